"""Minor units <-> SumUp's decimal major units (``manifest_contract``'s one conversion), and
JSON that writes a ``Decimal`` exactly.

Our code keeps money as integer minor units; SumUp wants a decimal amount in major units. The
conversion happens only at the API boundary, and never through ``float``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from manifest_contract import currency_exponent, major_to_minor, minor_to_major

__all__ = ["currency_exponent", "dumps", "major_to_minor", "minor_to_major"]


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
