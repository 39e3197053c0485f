"""Parse and validate ``catalog.json`` (schema_version 1, see docs/manifests.md).

Validation is all-or-nothing: the first problem raises :class:`CatalogError` naming the field
(``items[3].price``), and nothing is written. Unknown extra fields are ignored, as the contract
allows optional additions without a version bump.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from commerce_api.errors import InvalidInput

__all__ = ["Catalog", "CatalogEntry", "CatalogError", "load_catalog_file", "parse_catalog"]

SUPPORTED_SCHEMA_VERSION = 1
_SLUG = r"[A-Za-z0-9][A-Za-z0-9._~-]*"
_PRODUCT_ID = re.compile(rf"product:{_SLUG}")
_TICKET_ID = re.compile(rf"ticket:{_SLUG}:{_SLUG}")
_EVENT_ID = re.compile(rf"event:{_SLUG}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_HASH = re.compile(r"sha256:[0-9a-f]{64}")


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


def _fail(field: str, message: str) -> CatalogError:
    return CatalogError(f"{field}: {message}", field=field)


MAX_INT = 2**31 - 1
"""Stock, capacity and prices are stored as 32-bit integers."""


def _str(
    obj: dict[str, Any], key: str, where: str, *, optional: bool = False, max_length: int = 1000
) -> str | None:
    value = obj.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}{key}", "must be a non-empty string")
    if len(value) > max_length:
        raise _fail(f"{where}{key}", f"must be at most {max_length} characters")
    if "\x00" in value:
        raise _fail(f"{where}{key}", "must not contain NUL characters")
    return value


def _int(obj: dict[str, Any], key: str, where: str, *, nullable: bool = False) -> int | None:
    if key not in obj:
        raise _fail(f"{where}{key}", "is missing")
    value = obj[key]
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(f"{where}{key}", "must be a whole number" + (" or null" if nullable else ""))
    if value < 0:
        raise _fail(f"{where}{key}", "must be >= 0")
    if value > MAX_INT:
        raise _fail(f"{where}{key}", f"must be at most {MAX_INT}")
    return value


def _url(obj: dict[str, Any], key: str, where: str, *, optional: bool = False) -> str | None:
    value = _str(obj, key, where, optional=optional)
    if value is not None and not value.startswith(("https://", "http://")):
        raise _fail(f"{where}{key}", "must be an absolute http(s) URL")
    return value


def _time(obj: dict[str, Any], key: str, where: str) -> datetime:
    raw = _str(obj, key, where)
    try:
        value = datetime.fromisoformat(str(raw))
    except ValueError:
        raise _fail(f"{where}{key}", "must be an ISO 8601 date-time") from None
    if value.tzinfo is None:
        raise _fail(f"{where}{key}", "must carry a UTC offset")
    return value


def _entry(raw: Any, where: str) -> CatalogEntry:
    if not isinstance(raw, dict):
        raise _fail(where.rstrip("."), "must be an object")
    kind = raw.get("kind")
    if kind not in ("product", "ticket"):
        raise _fail(f"{where}kind", "must be 'product' or 'ticket'")
    item_id = str(_str(raw, "id", where, max_length=200))
    if not (_PRODUCT_ID if kind == "product" else _TICKET_ID).fullmatch(item_id):
        shape = "product:<slug>" if kind == "product" else "ticket:<event slug>:<ticket slug>"
        raise _fail(f"{where}id", f"must look like {shape}")
    currency = str(_str(raw, "currency", where))
    if not _CURRENCY.fullmatch(currency):
        raise _fail(f"{where}currency", "must be an ISO 4217 code such as GBP")
    content_hash = str(_str(raw, "content_hash", where))
    if not _HASH.fullmatch(content_hash):
        raise _fail(f"{where}content_hash", "must be sha256:<64 hex digits>")
    common: dict[str, Any] = {
        "id": item_id,
        "kind": kind,
        "title": _str(raw, "title", where, max_length=300),
        "url": _url(raw, "url", where),
        "price_minor": _int(raw, "price", where),
        "currency": currency,
        "content_hash": content_hash,
    }
    if kind == "product":
        return CatalogEntry(
            **common,
            quantity=_int(raw, "stock", where, nullable=True),
            category=_str(raw, "category", where, optional=True, max_length=100),
            image=_url(raw, "image", where, optional=True),
        )
    event_id = str(_str(raw, "event_id", where, max_length=200))
    if not _EVENT_ID.fullmatch(event_id):
        raise _fail(f"{where}event_id", "must look like event:<slug>")
    starts_at, ends_at = _time(raw, "starts_at", where), _time(raw, "ends_at", where)
    if ends_at < starts_at:
        raise _fail(f"{where}ends_at", "must not be before starts_at")
    return CatalogEntry(
        **common,
        quantity=_int(raw, "capacity", where),
        event_id=event_id,
        event_title=_str(raw, "event_title", where, max_length=300),
        starts_at=starts_at,
        ends_at=ends_at,
    )


def _newsletter(raw: Any, where: str) -> Newsletter:
    if not isinstance(raw, dict):
        raise _fail(where.rstrip("."), "must be an object")
    return Newsletter(
        id=str(_str(raw, "id", where)),
        title=str(_str(raw, "title", where)),
        description=str(raw.get("description") or ""),
    )


def parse_catalog(data: Any) -> Catalog:
    """Validate a decoded ``catalog.json``; raises :class:`CatalogError` on the first fault."""
    if not isinstance(data, dict):
        raise _fail("$", "the catalogue must be a JSON object")
    version = data.get("schema_version")
    if version != SUPPORTED_SCHEMA_VERSION or isinstance(version, bool):
        raise _fail(
            "schema_version", f"{version!r} is not supported (expected {SUPPORTED_SCHEMA_VERSION})"
        )
    site_url = str(_url(data, "site_url", ""))
    generated_at = _time(data, "generated_at", "")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        raise _fail("items", "must be a list")
    items = tuple(_entry(raw, f"items[{i}].") for i, raw in enumerate(raw_items))
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            raise _fail(f"items[{i}].id", f"{item.id} appears twice")
        seen.add(item.id)
    raw_news = data.get("newsletters") or []
    if not isinstance(raw_news, list):
        raise _fail("newsletters", "must be a list")
    newsletters = tuple(_newsletter(raw, f"newsletters[{i}].") for i, raw in enumerate(raw_news))
    return Catalog(site_url, generated_at, items, newsletters)


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
    try:
        return parse_catalog(data)
    except CatalogError as exc:  # name the file, as every CLI error does
        raise CatalogError(f"{path}: {exc.detail}", field=exc.field) from exc
