"""Currency exponents: how many minor units make a major one, for the build and the shop alike.

Prices travel through the manifests as integer minor units. The site turns them into what a
reader sees and the shop into what SumUp charges; both must use the same exponent, or a price
shown as Ft1,200 could be charged as Ft12.00. Babel's CLDR data is the one source.
"""

from __future__ import annotations

from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies

__all__ = ["currency_exponent", "is_known_currency"]


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
