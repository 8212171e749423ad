# Restory: the two commands are `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 3

.PHONY: run test install train validate conversations pytest lint clean

## make run: set up if needed, migrate, train if data changed, start everything (SQLite default)
run: install
	$(PY) -m bot run

## make test: set up if needed, validate data, train (cached by fingerprint), run every test
test: install
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory validate train conversations pytest || exit 1; \
	echo "==> make test finished in $$(( $$(date +%s) - start ))s"

install:
	@bash scripts/install.sh

train: install
	$(PY) -m bot train

validate: install
	$(RASA) data validate --domain domain --data data --config config.yml --fail-on-warnings

# Conversation tests: every tests/test_*.yml, against the trained model.
conversations: install
	@rm -rf var/conversation-tests && mkdir -p var/conversation-tests
	@cp tests/test_*.yml var/conversation-tests/
	@ls models/*.tar.gz >/dev/null 2>&1 || { echo "!! no trained model in models/: run make train"; exit 1; }
	$(RASA) test core --model models --stories var/conversation-tests \
	  --fail-on-prediction-errors --out var/results/conversations

pytest: install
	$(PY) -m pytest

lint: install
	.venv/bin/ruff check bot actions tests

clean:
	rm -rf var/conversation-tests var/results .pytest_cache .ruff_cache
