"""HMAC-signed values for links in emails, bound to a purpose so a tag for one use is useless
for another."""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = ["sign", "verify_signature"]


def sign(secret_key: str, purpose: str, value: str) -> str:
    """An HMAC-SHA256 tag binding ``value`` to ``purpose``."""
    mac = hmac.new(secret_key.encode(), f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def verify_signature(secret_key: str, purpose: str, value: str, tag: str) -> bool:
    return hmac.compare_digest(sign(secret_key, purpose, value), tag)
