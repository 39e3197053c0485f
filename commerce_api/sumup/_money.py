"""Minor units <-> SumUp's decimal major units, with the manifest contract's currency exponents.

Our code keeps money as integer minor units; SumUp wants a decimal amount in major units. The
conversion happens only here, at the API boundary, and never through ``float``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from manifest_contract import currency_exponent

__all__ = ["currency_exponent", "dumps", "major_to_minor", "minor_to_major"]


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
