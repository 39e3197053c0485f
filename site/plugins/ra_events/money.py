"""Money in integer minor units plus an ISO 4217 code: validation and display.

Babel knows each currency's number of minor digits (JPY has none, GBP two) and its symbol.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, get_currency_precision, is_currency

DISPLAY_LOCALE = "en_GB"


def is_known_currency(code: str) -> bool:
    """True for an ISO 4217 code Babel knows (upper case, e.g. ``GBP``)."""
    return len(code) == 3 and code.isupper() and is_currency(code)


def major_units(amount: int, currency: str) -> Decimal:
    """500 GBP minor units -> Decimal('5.00'); 500 JPY -> Decimal('500')."""
    digits = get_currency_precision(currency)
    return (Decimal(amount) / (Decimal(10) ** digits)).quantize(Decimal(1).scaleb(-digits))


def format_price(amount: int, currency: str, locale: str = DISPLAY_LOCALE) -> str:
    """A price as a reader expects it: ``£5.00``; a zero price reads ``Free``."""
    if amount == 0:
        return "Free"
    return format_currency(major_units(amount, currency), currency, locale=locale)
