"""Money in minor units: validation and display per ISO 4217 currency (via Babel's CLDR data).

650 GBP is £6.50; 1200 JPY is ¥1,200 (the yen has no minor unit). Products (ra_market) and
event tickets (ra_events) both use this.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency

from manifest_contract import currency_exponent, is_known_currency

__all__ = ["LOCALE", "format_price", "is_known_currency", "minor_unit_digits", "to_major"]

LOCALE = "en_GB"


def minor_unit_digits(currency: str) -> int:
    """2 for GBP, 0 for JPY, 3 for BHD (the exponent the shop charges with, too)."""
    return currency_exponent(currency)


def to_major(amount: int, currency: str) -> Decimal:
    """650 GBP -> Decimal('6.50'); used for display and for schema.org ``price``."""
    digits = minor_unit_digits(currency)
    return (Decimal(amount) / (Decimal(10) ** digits)).quantize(Decimal(1).scaleb(-digits))


def format_price(amount: int, currency: str, locale: str = LOCALE) -> str:
    """Human display: ``£6.50``, ``¥1,200``, ``€12.00``."""
    return format_currency(
        to_major(amount, currency), currency, locale=locale, currency_digits=True
    )
