"""Ticket prices: ``ra_core.money``, except that a zero price (a free RSVP) reads ``Free``."""

from __future__ import annotations

from ra_core import money
from ra_core.money import is_known_currency, to_major

__all__ = ["format_price", "is_known_currency", "to_major"]


def format_price(amount: int, currency: str, locale: str = money.LOCALE) -> str:
    """A price as a reader expects it: ``£5.00``; a zero price reads ``Free``."""
    if amount == 0:
        return "Free"
    return money.format_price(amount, currency, locale)
