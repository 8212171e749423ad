#!/usr/bin/env bash
# Creates .venv from the committed lock file. Idempotent: does nothing when the
# venv already matches the lock (a stamp file holds the lock's checksum).
#
# Why this shape: Rasa 3.6.21 declares Python <3.11, but runs on 3.11. pip would
# refuse it, so every package is installed from the full pinned lock with
# --no-deps (the lock *is* the resolved dependency set) and
# --ignore-requires-python, then rasa itself the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.lock-sha256
want=$(cat requirements/lock.txt requirements/rasa.txt | sha256sum | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi
echo "==> Setting up $VENV from requirements/lock.txt (a few minutes the first time)"
start=$(date +%s)
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$VENV/bin/pip" install -q --ignore-requires-python --prefer-binary --no-deps -r requirements/lock.txt 2>&1 | grep -v "^WARNING: Location" || true
"$VENV/bin/pip" install -q --ignore-requires-python --no-deps -r requirements/rasa.txt 2>&1 | grep -v "^WARNING: Location" || true
"$VENV/bin/pip" install -q --no-deps --no-build-isolation -e . 2>&1 | grep -v "^WARNING: Location" || true
"$VENV/bin/python" -c "import rasa, spacy, sqlalchemy, alembic, bot" >/dev/null 2>&1 || { echo "install failed: see above" >&2; exit 1; }
echo "$want" > "$STAMP"
echo "==> $VENV ready in $(( $(date +%s) - start ))s"
