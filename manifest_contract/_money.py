"""Money: currency exponents, minor <-> major units, and how a price reads, for every part.

Prices travel through the manifests as integer minor units. The site turns them into what a
reader sees, the shop into what SumUp charges and what its pages and mails show; all must use
the same exponent, or a price shown as Ft1,200 could be charged as Ft12.00, and the same words,
or the cart says "1,200 JPY" where the product page said "JP¥1,200". Babel's CLDR data is the
one source: ``currency_exponent`` is its currency precision, and ``format_money`` its
``format_currency`` over an amount already quantized to that exponent.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision, list_currencies

__all__ = [
    "MONEY_LOCALE",
    "currency_exponent",
    "format_money",
    "is_known_currency",
    "major_to_minor",
    "minor_to_major",
]

MONEY_LOCALE = "en_GB"
"""The locale every price is written in (the site's ``og:locale``)."""


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(list_currencies())


def is_known_currency(code: str) -> bool:
    """True for an ISO 4217 code CLDR knows (``GBP``), False otherwise (``gbp``, ``XYZ``)."""
    return code in _known()


def currency_exponent(currency: str) -> int:
    """2 for GBP (or gbp), 0 for JPY, 3 for KWD; ``ValueError`` for a code that is not one."""
    code = currency.upper()
    if not is_known_currency(code):
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
    return int(get_currency_precision(code))


def minor_to_major(amount_minor: int, currency: str) -> Decimal:
    """650 GBP pence -> Decimal('6.50'); 1200 JPY -> Decimal('1200'). Never a float."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError("amount_minor must be an int")
    exponent = currency_exponent(currency)
    return Decimal(amount_minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))


def major_to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Decimal('6.5') GBP -> 650; refuses fractions of a minor unit instead of rounding."""
    if isinstance(amount, float):
        raise TypeError("money is never a float")
    value = Decimal(amount).scaleb(currency_exponent(currency))
    if value != value.to_integral_value():
        raise ValueError(f"{amount} {currency} is not a whole number of minor units")
    return int(value)


def format_money(amount_minor: int, currency: str, locale: str = MONEY_LOCALE) -> str:
    """How a price reads everywhere: ``£6.50``, ``JP¥1,200``, ``€12.50``, ``KWD1.234``,
    ``-£6.50`` (a refund)."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError("amount_minor must be an int")
    return _format_money(amount_minor, currency, locale)


@lru_cache(maxsize=4096)
def _format_money(amount_minor: int, currency: str, locale: str) -> str:
    """Memoised: Babel takes ~16 µs a call, and a cart answer prints seven amounts; a shop has
    few distinct prices, so the cache stays small."""
    return format_currency(
        minor_to_major(amount_minor, currency),
        currency.upper(),
        locale=locale,
        currency_digits=True,
    )
