"""Minor units <-> SumUp's decimal major units, done with ``Decimal`` and ISO 4217 exponents.

Our code keeps money as integer minor units; SumUp wants a decimal amount in major units. The
conversion happens only here, at the API boundary, and never through ``float``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

__all__ = ["currency_exponent", "dumps", "major_to_minor", "minor_to_major"]

# fmt: off
#: ISO 4217 currencies whose minor unit is not 1/100 (the default).
_EXPONENTS: dict[str, int] = {
    # no minor unit
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    # thousandths
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}
# fmt: on


def currency_exponent(currency: str) -> int:
    """Number of decimal places of ``currency`` (ISO 4217): 2 unless listed otherwise."""
    code = currency.upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
    return _EXPONENTS.get(code, 2)


def minor_to_major(amount_minor: int, currency: str) -> Decimal:
    """650 GBP pence -> Decimal('6.50'); 1200 JPY -> Decimal('1200')."""
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


def _encode(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        items = (f"{json.dumps(str(k))}:{_encode(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return json.dumps(value)


def dumps(value: Any) -> bytes:
    """JSON with ``Decimal`` written as an exact JSON number (the stdlib cannot do this)."""
    return _encode(value).encode()
