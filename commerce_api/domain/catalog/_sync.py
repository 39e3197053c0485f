"""Upsert the catalogue into ``items`` in one transaction.

Removed items become inactive (never deleted: orders keep pointing at them). Stock and
capacity move by the *change* in the catalogue's number, applied as one SQL expression, so a
re-sync neither forgets what was sold nor races a checkout that is reserving at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, select, update

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Item
from commerce_api.domain.catalog._cache import catalog_changed
from commerce_api.domain.catalog._schema import Catalog, CatalogEntry

__all__ = ["SyncReport", "sync_catalog"]


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"catalogue synced: {len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.deactivated)} now unavailable"
        )


def _descriptive_fields(entry: CatalogEntry) -> dict[str, object]:
    return {
        "kind": entry.kind,
        "title": entry.title,
        "url": entry.url,
        "price_minor": entry.price_minor,
        "currency": entry.currency,
        "category": entry.category,
        "image": entry.image,
        "event_id": entry.event_id,
        "event_title": entry.event_title,
        "starts_at": entry.starts_at,
        "ends_at": entry.ends_at,
        "content_hash": entry.content_hash,
    }


def _stock_after(item: Item, new_quantity: int | None) -> dict[str, object]:
    """SQL for ``available`` and ``shortfall`` once the catalogue's number changes from the
    last sync: the free stock (``available - shortfall``, negative when more is held or sold
    than the catalogue now has) moves by the change; below zero, the rest is shortfall."""
    if new_quantity is None:
        return {"available": None, "shortfall": 0}
    if item.catalog_quantity is None or item.available is None:
        return {"available": new_quantity, "shortfall": 0}
    free = Item.available - Item.shortfall + (new_quantity - item.catalog_quantity)
    return {
        "available": case((free < 0, 0), else_=free),
        "shortfall": case((free < 0, -free), else_=0),
    }


async def sync_catalog(db: Database, catalog: Catalog) -> SyncReport:
    """Make ``items`` match ``catalog`` (already validated by ``parse_catalog``)."""
    report = SyncReport()
    now = utcnow()
    async with db.transaction() as session:
        # Locked (PostgreSQL) so a concurrent sync cannot apply the same stock change twice
        # from the same old numbers; SQLite's BEGIN IMMEDIATE already serialises writers.
        rows = await session.scalars(select(Item).order_by(Item.id).with_for_update())
        existing = {item.id: item for item in rows.all()}
        for entry in catalog.items:
            item = existing.get(entry.id)
            fields = _descriptive_fields(entry)
            if item is None:
                session.add(
                    Item(
                        id=entry.id,
                        **fields,
                        catalog_quantity=entry.quantity,
                        available=entry.quantity,
                        active=True,
                        synced_at=now,
                    )
                )
                report.added.append(entry.id)
                continue
            same = (
                item.active
                and item.catalog_quantity == entry.quantity
                and all(getattr(item, k) == v for k, v in fields.items())
            )
            if same:
                report.unchanged.append(entry.id)
                continue
            values: dict[str, object] = {**fields, "active": True, "synced_at": now}
            if item.catalog_quantity != entry.quantity or (
                entry.quantity is None and item.available is not None
            ):
                values.update(_stock_after(item, entry.quantity))
                values["catalog_quantity"] = entry.quantity
            await session.execute(update(Item).where(Item.id == entry.id).values(**values))
            report.updated.append(entry.id)
        listed = {entry.id for entry in catalog.items}
        gone = [i.id for i in existing.values() if i.active and i.id not in listed]
        if gone:
            await session.execute(
                update(Item).where(Item.id.in_(gone)).values(active=False, synced_at=now)
            )
            report.deactivated.extend(sorted(gone))
    catalog_changed()
    return report
