"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the subscription's secret.

Receivers recompute it from the `Kontor-Timestamp` header and the raw body, compare with the
`Kontor-Signature` header ("v1=<hex>") in constant time, and refuse old timestamps (replays).
"""

import hashlib
import hmac

TIMESTAMP_HEADER = "Kontor-Timestamp"
SIGNATURE_HEADER = "Kontor-Signature"
EVENT_HEADER = "Kontor-Event"
DELIVERY_HEADER = "Kontor-Delivery"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, now: int, tolerance: int = 300
) -> bool:
    """What a receiver does: right signature, timestamp within `tolerance` seconds."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)
