"""HMAC-SHA256 signatures over "<timestamp>.<body>"."""

from __future__ import annotations

import hashlib
import hmac
import time

from bot.escalation.signing import sign, verify

BODY = b'{"event":"opened","escalation":{"id":1}}'


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(b"k", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign("k", 1700000000, BODY) == f"sha256={expected}"
    assert sign(b"k", "1700000000", BODY.decode()) == f"sha256={expected}"


def test_verify_accepts_a_fresh_valid_signature():
    ts = int(time.time())
    assert verify("k", ts, BODY, sign("k", ts, BODY))
    assert verify("k", str(ts), BODY.decode(), sign("k", ts, BODY))


def test_tampered_body_wrong_secret_or_timestamp_fail():
    ts = int(time.time())
    good = sign("k", ts, BODY)
    assert not verify("k", ts, BODY.replace(b"1", b"2"), good)
    assert not verify("other", ts, BODY, good)
    assert not verify("k", ts + 1, BODY, good)
    assert not verify("k", ts, BODY, good[:-1] + ("0" if good[-1] != "0" else "1"))
    assert not verify("k", ts, BODY, "")
    assert not verify("", ts, BODY, good)
    assert not verify("k", "not-a-number", BODY, good)


def test_replay_window():
    old = int(time.time()) - 3600
    signature = sign("k", old, BODY)
    assert not verify("k", old, BODY, signature)  # default 5 minute window
    assert verify("k", old, BODY, signature, tolerance=None)
    assert verify("k", old, BODY, signature, now=old + 10)
