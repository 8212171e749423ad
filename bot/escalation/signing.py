"""HMAC-SHA256 webhook signatures.

The signed string is ``"<timestamp>.<body>"`` (timestamp: whole Unix seconds as
sent in ``X-Restory-Timestamp``; body: the exact bytes of the request body), and
the header value is ``sha256=<lowercase hex digest>``. Binding the timestamp
into the signature lets a receiver reject replays of old requests.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Restory-Signature"
TIMESTAMP_HEADER = "X-Restory-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
PREFIX = "sha256="

#: Default replay window for :func:`verify` (seconds either side of "now").
DEFAULT_TOLERANCE = 300


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def sign(secret: str | bytes, timestamp: str | int, body: str | bytes) -> str:
    """The ``X-Restory-Signature`` value for ``body`` sent at ``timestamp``."""
    message = _bytes(str(timestamp)) + b"." + _bytes(body)
    digest = hmac.new(_bytes(secret), message, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(
    secret: str | bytes,
    timestamp: str | int,
    body: str | bytes,
    signature: str,
    *,
    tolerance: int | None = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True iff ``signature`` is valid for ``body`` and ``timestamp`` is fresh.

    The comparison is constant-time. ``tolerance=None`` skips the freshness
    check (e.g. when re-verifying a stored request later).
    """
    if not secret or not signature:
        return False
    if tolerance is not None:
        try:
            sent = int(str(timestamp))
        except ValueError:
            return False
        current = time.time() if now is None else now
        if abs(current - sent) > tolerance:
            return False
    expected = sign(secret, timestamp, body)
    given = signature.strip().encode("ascii", "replace")
    return hmac.compare_digest(expected.encode("ascii"), given)
