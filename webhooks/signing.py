"""How a delivery is signed, and how a receiver checks it (the same code, so the README's
snippet is tested).

``Sportello-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>``
with the event id and the Unix timestamp of the attempt in their own headers. The
timestamp is signed so a captured request cannot be replayed later; the id lets the
receiver drop a retry it has already processed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

ID_HEADER = "Sportello-Webhook-Id"
TIMESTAMP_HEADER = "Sportello-Webhook-Timestamp"
SIGNATURE_HEADER = "Sportello-Webhook-Signature"
VERSION = "v1"
#: How far a receiver should accept a timestamp from its own clock.
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A random secret (256 bits), recognisable in a configuration file."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{event_id}.{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def headers(secret: str, event_id: str, body: bytes, timestamp: int | None = None) -> dict:
    """The three headers of one attempt (a retry is signed again with its own time)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {ID_HEADER: event_id, TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: f"{VERSION}={signature(secret, event_id, timestamp, body)}",
            "Content-Type": "application/json", "User-Agent": "Sportello-Webhooks/1"}


def verify(secret: str, headers: dict, body: bytes, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does: recompute, compare in constant time, refuse old timestamps.

    ``headers`` is any mapping with the three headers (case as sent)."""
    try:
        event_id = headers[ID_HEADER]
        timestamp = int(headers[TIMESTAMP_HEADER])
        sent = headers[SIGNATURE_HEADER]
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = f"{VERSION}={signature(secret, event_id, timestamp, body)}"
    # Several signatures separated by spaces are allowed (a receiver mid-rotation).
    return any(hmac.compare_digest(expected, candidate) for candidate in sent.split())
