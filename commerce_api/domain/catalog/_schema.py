"""Read ``catalog.json`` through the manifest contract into the shop's catalogue entries.

The checks are :mod:`manifest_contract.catalog`'s (the same structs the build writes through).
Validation is all-or-nothing: the first problem raises :class:`CatalogError` naming the field
(``items[3].price``), and nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from commerce_api.errors import InvalidInput
from manifest_contract.catalog import ContractError, Product, TicketType, decode_catalog

__all__ = ["Catalog", "CatalogEntry", "CatalogError", "load_catalog_file", "parse_catalog"]


class CatalogError(InvalidInput):
    """The catalogue is malformed; ``field`` is a JSON path such as ``items[2].stock``."""

    slug = "invalid-catalog"
    title = "Malformed catalogue"


@dataclass(frozen=True)
class CatalogEntry:
    """One product or ticket type as the catalogue states it."""

    id: str
    kind: str
    title: str
    url: str
    price_minor: int
    currency: str
    content_hash: str
    quantity: int | None
    """Stock (products, ``None`` = unlimited) or capacity (tickets)."""
    category: str | None = None
    image: str | None = None
    event_id: str | None = None
    event_title: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass(frozen=True)
class Newsletter:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Catalog:
    site_url: str
    generated_at: datetime
    items: tuple[CatalogEntry, ...]
    newsletters: tuple[Newsletter, ...] = ()


def _entry(item: Product | TicketType) -> CatalogEntry:
    if isinstance(item, Product):
        return CatalogEntry(
            id=item.id,
            kind="product",
            title=item.title,
            url=item.url,
            price_minor=item.price,
            currency=item.currency,
            content_hash=item.content_hash,
            quantity=item.stock,
            category=item.category,
            image=item.image,
        )
    return CatalogEntry(
        id=item.id,
        kind="ticket",
        title=item.title,
        url=item.url,
        price_minor=item.price,
        currency=item.currency,
        content_hash=item.content_hash,
        quantity=item.capacity,
        event_id=item.event_id,
        event_title=item.event_title,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
    )


def parse_catalog(data: Any) -> Catalog:
    """Validate a decoded ``catalog.json``; raises :class:`CatalogError` on the first fault."""
    try:
        catalog = decode_catalog(data)
    except ContractError as exc:
        raise CatalogError(str(exc), field=exc.field) from None
    return Catalog(
        catalog.site_url,
        catalog.generated_at,
        tuple(_entry(item) for item in catalog.items),
        tuple(Newsletter(n.id, n.title, n.description or "") for n in catalog.newsletters),
    )


def load_catalog_file(path: str | Path) -> Catalog:
    """Read and validate a ``catalog.json`` file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"cannot read {path}: {exc.strerror}", field="path") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path} is not UTF-8 text (byte {exc.start})", field="$") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
            field="$",
        ) from exc
    except RecursionError:
        raise CatalogError(f"{path} is nested too deeply to be a catalogue", field="$") from None
    try:
        return parse_catalog(data)
    except CatalogError as exc:  # name the file, as every CLI error does
        raise CatalogError(f"{path}: {exc.detail}", field=exc.field) from exc
