"""The catalogue as shoppers see it, kept in memory as ready JSON with its ETag.

``GET /catalog`` is the busiest read and changes only when stock moves or the catalogue is
synced, so each process keeps one snapshot: the active items (for the cart's totals too),
each list already encoded, each with a strong ``ETag``. A snapshot older than
``MAX_AGE_SECONDS`` is read again, so a stock change or a sync made by any process (another
worker, the ``sync-catalog`` command) shows within that time; a sync or a reservation in this
process (:func:`catalog_changed`) drops it at once. Readers share one reload: one query per period
per process, however many requests arrive.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from litestar.serialization import encode_json
from sqlalchemy import select

from commerce_api.db import Database
from commerce_api.db.models import Item
from commerce_api.domain.catalog.schemas import ItemView

__all__ = [
    "CACHE_CONTROL",
    "MAX_AGE_SECONDS",
    "CatalogCache",
    "CatalogSnapshot",
    "Encoded",
    "catalog_changed",
    "catalog_of",
    "etag_matches",
]

MAX_AGE_SECONDS = 0.5
"""How old a snapshot may be: stock a shopper sees is at most this much behind."""
CACHE_CONTROL = "public, max-age=1"
"""Browsers and proxies may reuse an answer for a second, then revalidate with the ETag."""

_ITEMS = Item.__table__
_ACTIVE = select(_ITEMS).where(_ITEMS.c.active.is_(True)).order_by(_ITEMS.c.kind, _ITEMS.c.id)
_generation = 0


def catalog_changed() -> None:
    """Drop every snapshot of this process (a sync just committed)."""
    global _generation
    _generation += 1


@dataclass(frozen=True)
class Encoded:
    body: bytes
    etag: str

    @classmethod
    def of(cls, value: Any) -> Encoded:
        body = encode_json(value)
        return cls(body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')


@dataclass(frozen=True)
class CatalogSnapshot:
    """Active items by id (rows with ``Item``'s columns) and their encoded views."""

    items: dict[str, Any]
    lists: dict[str | None, Encoded]
    """``None``: everything; ``"product"``, ``"ticket"``: one kind."""
    views: dict[str, Encoded]

    @classmethod
    def of(cls, rows: Iterable[Any]) -> CatalogSnapshot:
        items = {row.id: row for row in rows}
        views = {item_id: ItemView.of(row) for item_id, row in items.items()}
        lists = {
            kind: Encoded.of([v for v in views.values() if kind is None or v.kind == kind])
            for kind in (None, "product", "ticket")
        }
        return cls(items, lists, {item_id: Encoded.of(v) for item_id, v in views.items()})


class CatalogCache:
    """One process's snapshot of the catalogue of one database."""

    def __init__(
        self,
        db: Database,
        *,
        max_age: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.max_age = max_age
        self.clock = clock
        self._snapshot: CatalogSnapshot | None = None
        self._read_at = 0.0
        self._generation = -1
        self._reload = asyncio.Lock()
        self._loads = 0

    def _fresh(self) -> bool:
        return (
            self._snapshot is not None
            and self._generation == _generation
            and self.clock() - self._read_at < self.max_age
        )

    async def snapshot(self) -> CatalogSnapshot:
        if self._fresh():
            return self._snapshot  # type: ignore[return-value]
        loads = self._loads
        async with self._reload:
            # A reload that started after we asked is as fresh as we need: readers that waited
            # on it take its snapshot instead of queueing one more reload each.
            if self._loads == loads and not self._fresh():
                generation, read_at = _generation, self.clock()
                self._snapshot = CatalogSnapshot.of(await self.db.read(_ACTIVE))
                self._generation, self._read_at = generation, read_at
                self._loads += 1
        return self._snapshot  # type: ignore[return-value]


_caches: weakref.WeakKeyDictionary[Database, CatalogCache] = weakref.WeakKeyDictionary()


def catalog_of(db: Database) -> CatalogCache:
    """The cache of ``db`` in this process (made on first use)."""
    cache = _caches.get(db)
    if cache is None:
        cache = _caches[db] = CatalogCache(db)
    return cache


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Does an ``If-None-Match`` header name ``etag`` (weak comparison, RFC 9110 13.1.2)?"""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))
