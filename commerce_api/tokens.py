"""Random secrets and the hashes they are stored under.

Every bearer secret we hand out (carts, orders, session ids, email tokens, OAuth codes and
tokens, client secrets) has at least 256 bits from ``secrets``; those that must be looked up
later are stored only as their SHA-256, so a database leak reveals nothing usable and a
high-entropy secret needs no slow hash. Ticket codes, which a volunteer may have to type, have
128 bits.
"""

from __future__ import annotations

import hashlib
import re
import secrets

__all__ = [
    "TOKEN_PATTERN",
    "hash_token",
    "looks_like_token",
    "new_order_reference",
    "new_ticket_code",
    "new_token",
]

#: Carts, orders, ticket codes and emailed links: what ``looks_like_token`` accepts (also the
#: pattern the OpenAPI document gives them).
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
_TOKEN = re.compile(TOKEN_PATTERN)


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random secret (``nbytes`` of entropy)."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """The hex SHA-256 under which a secret is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_ticket_code() -> str:
    """22 URL-safe characters (128 bits): short enough for a QR code or to read out."""
    return secrets.token_urlsafe(16)


def new_order_reference() -> str:
    """Our SumUp ``checkout_reference`` and the number a shopper quotes: ``RA-`` + 16 hex."""
    return "RA-" + secrets.token_hex(8).upper()


def looks_like_token(value: str) -> bool:
    return bool(_TOKEN.fullmatch(value))
