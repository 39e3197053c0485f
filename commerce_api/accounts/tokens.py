"""Random secrets, their stored hashes, and HMAC-signed values for links in emails.

Every bearer secret we hand out (session ids, email tokens, OAuth codes and tokens, client
secrets) has at least 256 bits from ``secrets`` and is stored only as its SHA-256: a database
leak reveals nothing usable, and a high-entropy secret needs no slow hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

__all__ = ["hash_token", "new_token", "sign", "verify_signature"]


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random secret (``nbytes`` of entropy)."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """The hex SHA-256 under which a secret is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign(secret_key: str, purpose: str, value: str) -> str:
    """An HMAC-SHA256 tag binding ``value`` to ``purpose`` (so a tag for one use is useless
    for another)."""
    mac = hmac.new(secret_key.encode(), f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def verify_signature(secret_key: str, purpose: str, value: str, tag: str) -> bool:
    return hmac.compare_digest(sign(secret_key, purpose, value), tag)
