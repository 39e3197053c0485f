"""``build/_data/catalog.json`` as typed structs: the build writes it, the shop reads it.

The structs are the contract of docs/manifests.md in code. :func:`decode_catalog` turns any
decoded JSON into a :class:`Catalog` or raises :class:`ContractError` naming the first field
at fault (``items[3].price``). Fields added later are ignored, as the contract allows optional
additions without a version bump.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

import msgspec

__all__ = [
    "MAX_INT",
    "Catalog",
    "ContractError",
    "Newsletter",
    "Product",
    "TicketType",
    "decode_catalog",
]

_T = TypeVar("_T")

MAX_INT = 2**31 - 1
"""Stock, capacity and prices are stored as 32-bit integers by the shop."""

_SLUG = r"[A-Za-z0-9][A-Za-z0-9._~-]*"
_TEXT = r"^(?=[\s\S]*\S)[^\x00]*\Z"  # some non-space character, no NUL (PostgreSQL refuses it)


Text = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=_TEXT)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=_TEXT)]
Category = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=_TEXT)]
Minor = Annotated[int, msgspec.Meta(ge=0, le=MAX_INT)]
HttpUrl = Annotated[str, msgspec.Meta(max_length=1000, pattern=r"^https?://[^\x00]+\Z")]
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}\Z")]
ContentHash = Annotated[str, msgspec.Meta(pattern=r"^sha256:[0-9a-f]{64}\Z")]
UtcTime = Annotated[datetime, msgspec.Meta(tz=True)]
ProductId = Annotated[str, msgspec.Meta(max_length=200, pattern=rf"^product:{_SLUG}\Z")]
TicketId = Annotated[str, msgspec.Meta(max_length=200, pattern=rf"^ticket:{_SLUG}:{_SLUG}\Z")]
EventId = Annotated[str, msgspec.Meta(max_length=200, pattern=rf"^event:{_SLUG}\Z")]

#: What a field that failed its pattern should look like, in words an editor reads.
_SHAPES = {
    "id": "product:<slug> or ticket:<event slug>:<ticket slug>",
    "event_id": "event:<slug>",
    "currency": "an ISO 4217 code such as GBP",
    "content_hash": "sha256:<64 hex digits>",
    "url": "an absolute http(s) URL",
    "image": "an absolute http(s) URL",
    "site_url": "an absolute http(s) URL",
}


class Product(msgspec.Struct, frozen=True, tag_field="kind", tag="product"):
    id: ProductId
    title: Title
    url: HttpUrl
    price: Minor
    currency: Currency
    content_hash: ContentHash
    stock: Minor | None
    """``None``: unlimited."""
    category: Category | None = None
    image: HttpUrl | None = None


class TicketType(msgspec.Struct, frozen=True, tag_field="kind", tag="ticket"):
    id: TicketId
    title: Title
    url: HttpUrl
    price: Minor
    currency: Currency
    content_hash: ContentHash
    capacity: Minor
    event_id: EventId
    event_title: Title
    starts_at: UtcTime
    ends_at: UtcTime


class Newsletter(msgspec.Struct, frozen=True):
    id: Text
    title: Text
    description: str | None = None


class Catalog(msgspec.Struct, frozen=True):
    schema_version: Literal[1]
    site_url: HttpUrl
    generated_at: UtcTime
    items: list[Product | TicketType]
    newsletters: list[Newsletter] = []


class ContractError(ValueError):
    """A manifest breaks the contract; ``field`` is a JSON path such as ``items[2].stock``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


_LOCATION = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")


def _contract_error(exc: msgspec.ValidationError, shapes: dict[str, str]) -> ContractError:
    match = _LOCATION.match(str(exc))
    assert match is not None  # the pattern matches every string
    message, path = match["message"], (match["path"] or "").lstrip(".")
    if missing := _MISSING.match(message):
        name = missing["name"]
        return ContractError(f"{path}.{name}" if path else name, "is missing")
    field = path or "$"
    last = re.sub(r"\[\d+\]$", "", field.rsplit(".", 1)[-1])
    if "matching regex" in message:
        shape = shapes.get(last)
        message = f"must be {shape}" if shape else "must be a non-empty string without NUL"
    elif last == "schema_version":
        message = "is not supported (this version reads schema_version 1)"
    return ContractError(field, message[:1].lower() + message[1:])


def convert(data: Any, into: type[_T], shapes: dict[str, str] | None = None) -> _T:
    """``data`` as an ``into`` struct, or :class:`ContractError` for its first fault;
    ``shapes`` says in words what a field that failed its pattern should look like."""
    try:
        return msgspec.convert(data, into)
    except msgspec.ValidationError as exc:
        raise _contract_error(exc, {**_SHAPES, **(shapes or {})}) from None


def decode_catalog(data: Any) -> Catalog:
    """Check decoded JSON against the contract; the first fault raises :class:`ContractError`."""
    catalog = convert(data, Catalog)
    seen: set[str] = set()
    for i, item in enumerate(catalog.items):
        if item.id in seen:
            raise ContractError(f"items[{i}].id", f"{item.id} appears twice")
        seen.add(item.id)
        if isinstance(item, TicketType) and item.ends_at < item.starts_at:
            raise ContractError(f"items[{i}].ends_at", "must not be before starts_at")
    return catalog
