"""Reserve and release stock (products) and places (tickets) without ever overselling.

Each reservation is one conditional ``UPDATE ... SET available = available - :n WHERE id = :id
AND available >= :n`` whose row count says whether it fitted: atomic on PostgreSQL (the row
lock re-checks the condition after a concurrent writer commits) and on SQLite (writers are
serialised by ``BEGIN IMMEDIATE``). Items are reserved in id order so two orders never wait on
each other's rows in opposite order (no deadlocks). A CHECK constraint keeps ``available`` at
or above zero whatever happens.

An item the caller has just read as active with unlimited stock (``available IS NULL``) is not
written at all: its ``UPDATE`` would lock the row until commit, so every checkout of one popular
product waited for the one before it, for nothing (unlimited stock has nothing to count). Read
without a lock, a sync that makes it limited or takes it off sale in between orders after this
reservation, as if the shopper had come a moment earlier; a sync that makes stock limited counts
from the catalogue's number, not from what unlimited orders hold, either way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db.models import Item
from commerce_api.domain.catalog import catalog_changed
from commerce_api.errors import OutOfStock

__all__ = ["release", "reserve"]


def _merged(wanted: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    totals: dict[str, int] = {}
    for item_id, quantity in wanted:
        totals[item_id] = totals.get(item_id, 0) + quantity
    return sorted(totals.items())


async def reserve(
    session: AsyncSession,
    wanted: Iterable[tuple[str, int]],
    *,
    unlimited: Collection[str] = (),
) -> None:
    """Take ``quantity`` of each item or raise :class:`OutOfStock` (the caller's transaction
    then rolls back whatever this call already took). ``unlimited``: ids the caller read in
    this transaction as active with unlimited stock; nothing is written for them."""
    counted = [(i, q) for i, q in _merged(wanted) if i not in unlimited]
    if counted:
        catalog_changed()  # this process's /catalog reads stock again (others within a second)
    for item_id, quantity in counted:
        result = await session.execute(
            update(Item)
            .where(
                Item.id == item_id,
                Item.active.is_(True),
                or_(Item.available.is_(None), Item.available >= quantity),
            )
            .values(available=Item.available - quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            row = (
                await session.execute(
                    select(Item.title, Item.available, Item.active).where(Item.id == item_id)
                )
            ).one_or_none()
            left = 0 if row is None or not row.active else row.available
            title = row.title if row is not None else "this item"
            raise OutOfStock(
                f"only {left} of {title} left, {quantity} wanted",
                field="quantity",
                item_id=item_id,
                available=left,
            )


async def release(session: AsyncSession, held: Iterable[tuple[str, int]]) -> None:
    """Give reserved units back (an order expired, failed, was cancelled or refunded). They
    pay back any ``shortfall`` first (the catalogue was lowered below what was held), so
    ``available`` never exceeds stock - held - sold."""
    catalog_changed()
    for item_id, quantity in _merged(held):
        # Both SET expressions read the row's old values (standard SQL, PostgreSQL and SQLite).
        await session.execute(
            update(Item)
            .where(Item.id == item_id, Item.available.is_not(None))
            .values(
                available=Item.available
                + case((Item.shortfall >= quantity, 0), else_=quantity - Item.shortfall),
                shortfall=case((Item.shortfall >= quantity, Item.shortfall - quantity), else_=0),
            )
            .execution_options(synchronize_session=False)
        )
