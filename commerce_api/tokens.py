"""Unguessable tokens for carts, orders and tickets (256 bits for carts and orders, 128 for
ticket codes a volunteer may have to type)."""

from __future__ import annotations

import re
import secrets

__all__ = ["looks_like_token", "new_order_reference", "new_ticket_code", "new_token"]

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_ticket_code() -> str:
    """22 URL-safe characters (128 bits): short enough for a QR code or to read out."""
    return secrets.token_urlsafe(16)


def new_order_reference() -> str:
    """Our SumUp ``checkout_reference`` and the number a shopper quotes: ``RA-`` + 16 hex."""
    return "RA-" + secrets.token_hex(8).upper()


def looks_like_token(value: str) -> bool:
    return bool(_TOKEN.fullmatch(value))
