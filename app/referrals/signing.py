"""Signatures of webhook deliveries, so a provider can check that a referral comes from
Wegwijzer and was not altered or replayed:

    Wegwijzer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

A receiver recomputes v1 over the raw body with its shared secret, compares in constant time,
and refuses a timestamp more than five minutes old (`verify` below does exactly that).
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Wegwijzer-Signature"
TOLERANCE_S = 300


def sign(secret: str, body: bytes, at: int | None = None) -> str:
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(secret: str, body: bytes, header: str, now: float | None = None, tolerance: int = TOLERANCE_S) -> bool:
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        t = int(parts["t"])
        given = parts["v1"]
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)
