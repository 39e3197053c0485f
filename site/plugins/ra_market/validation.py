"""Product front-matter rules. Each problem is a (field, message) pair, never an exception."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ra_market.money import is_known_currency

UNLIMITED = {"", "unlimited", "none", "null"}
_INTEGER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class ProductFields:
    price: int
    currency: str
    stock: int | None
    category: str


def _whole_number(value: Any) -> int | None:
    """``-12`` -> -12; None for anything else (``str.isdigit`` also takes ``²``, which
    ``int`` then refuses with an exception, and ``--5``)."""
    text = str(value).strip()
    return int(text) if _INTEGER.fullmatch(text) else None


def check_product(meta: Mapping[str, Any]) -> tuple[ProductFields | None, list[tuple[str, str]]]:
    """Validated fields, or None plus every problem found (all of them, not just the first)."""
    problems: list[tuple[str, str]] = []

    raw_price = meta.get("price")
    price = _whole_number(raw_price) if raw_price is not None else None
    if raw_price is None or str(raw_price).strip() == "":
        problems.append(("price", "missing"))
    elif price is None:
        problems.append(("price", f"{raw_price!r} is not a whole number of minor units"))
    elif price < 0:
        problems.append(("price", f"{price} is negative"))

    currency = str(meta.get("currency", "")).strip()
    if not currency:
        problems.append(("currency", "missing"))
    elif not is_known_currency(currency):
        problems.append(("currency", f"{currency!r} is not an ISO 4217 currency code"))

    raw_stock = meta.get("stock", "unlimited")
    stock: int | None = None
    if str(raw_stock).strip().lower() not in UNLIMITED:
        stock = _whole_number(raw_stock)
        if stock is None or stock < 0:
            problems.append(("stock", f"{raw_stock!r} is not a whole number >= 0 or 'unlimited'"))

    image = str(meta.get("image", "")).strip()
    if image and not str(meta.get("image_alt", "")).strip():
        problems.append(("image_alt", f"missing for image {image}"))

    category = str(meta.get("category", "")).strip() or "general"
    if problems or price is None:
        return None, problems
    return ProductFields(price=price, currency=currency, stock=stock, category=category), []
