"""Read the catalogue as shoppers see it."""

from __future__ import annotations

from sqlalchemy import select

from commerce_api.db import Database
from commerce_api.db.models import Item
from commerce_api.errors import NotFound

__all__ = ["MAX_ITEM_ID", "get_item", "list_items", "plausible_item_id"]

MAX_ITEM_ID = 200


def plausible_item_id(item_id: str) -> bool:
    """Could this be a catalogue id at all? Checked before any query: PostgreSQL refuses text
    with NUL characters outright, and such an id is simply not on sale."""
    return 0 < len(item_id) <= MAX_ITEM_ID and item_id.isprintable()


async def list_items(db: Database, *, kind: str | None = None) -> list[Item]:
    """Active items, in a stable order (events' tickets grouped by event)."""
    query = select(Item).where(Item.active.is_(True)).order_by(Item.kind, Item.id)
    if kind:
        query = query.where(Item.kind == kind)
    async with db.reading() as session:
        return list((await session.scalars(query)).all())


async def get_item(db: Database, item_id: str) -> Item:
    if not plausible_item_id(item_id):
        raise NotFound(f"no product or ticket {item_id!r} is on sale", field="item_id")
    async with db.reading() as session:
        item = await session.get(Item, item_id)
    if item is None or not item.active:
        raise NotFound(f"no product or ticket {item_id!r} is on sale", field="item_id")
    return item
