"""No overselling under real concurrency: many checkouts racing for the last units, each on
its own database connection (two engines, as two server processes would have), on SQLite
and on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select, update

from commerce_api.db import Database, migrate
from commerce_api.db.models import Item, Order, OrderLine
from commerce_api.domain.cart import add_item
from commerce_api.domain.catalog import parse_catalog, sync_catalog
from commerce_api.domain.checkout import place_order
from commerce_api.domain.orders import reserve
from commerce_api.errors import EmptyCart, OutOfStock
from commerce_api.settings import Settings
from tests.commerce import catalogs
from tests.commerce.conftest import make_settings
from tests.commerce.shop import HONEY, JAM

SHOPPERS = 24
BREAD = "product:sourdough"  # unlimited stock


async def _race(
    db: Database, database_url: str, settings: Settings, wants: list[tuple[str, int]]
) -> list[object]:
    carts = [(await add_item(db, None, item, qty)).token for item, qty in wants]
    other = Database(database_url)  # a second "process": its own engine and pool
    try:
        return await asyncio.gather(
            *(
                place_order(other if i % 2 else db, settings, cart, uuid.uuid4().hex)
                for i, cart in enumerate(carts)
            ),
            return_exceptions=True,
        )
    finally:
        await other.dispose()


async def _sold(db: Database, item_id: str) -> tuple[int, int | None]:
    async with db.sessions() as session:
        sold = await session.scalar(
            select(func.coalesce(func.sum(OrderLine.quantity), 0)).where(
                OrderLine.item_id == item_id
            )
        )
        left = await session.scalar(select(Item.available).where(Item.id == item_id))
    return int(sold or 0), left


async def test_racing_checkouts_never_oversell(
    db: Database, database_url: str, settings: Settings
) -> None:
    # Twenty-four shoppers race for the last three jars.
    results = await _race(db, database_url, settings, [(JAM, 1)] * SHOPPERS)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(e, OutOfStock) for e in errors), errors
    assert len(results) - len(errors) == 3
    assert await _sold(db, JAM) == (3, 0)
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 3

    # Mixed quantities: 48 jars of honey wanted, 24 in stock.
    wants = [(HONEY, 1 + i % 3) for i in range(SHOPPERS)]
    results = await _race(db, database_url, settings, wants)
    refused = [(w, r) for w, r in zip(wants, results, strict=True) if isinstance(r, BaseException)]
    assert all(isinstance(e, OutOfStock) for _, e in refused), refused
    sold, left = await _sold(db, HONEY)
    assert left is not None and left >= 0
    assert sold + left == 24
    # Every refusal was genuine: it wanted more than what is left even now.
    assert all(qty > left for (_, qty), _ in refused)


async def test_one_cart_checked_out_concurrently_makes_one_order(
    db: Database, database_url: str, settings: Settings
) -> None:
    """A double click with different Idempotency-Keys: one order, the others find the cart
    empty; with the same key, every answer is that one order."""
    cart = (await add_item(db, None, HONEY, 2)).token
    other = Database(database_url)
    try:
        results = await asyncio.gather(
            *(place_order(other if i % 2 else db, settings, cart, f"k{i}") for i in range(8)),
            return_exceptions=True,
        )
        made = [r for r in results if not isinstance(r, BaseException)]
        assert len(made) == 1, results
        assert all(isinstance(r, EmptyCart) for r in results if isinstance(r, BaseException))

        cart = (await add_item(db, None, HONEY, 1)).token
        same = await asyncio.gather(
            *(place_order(other if i % 2 else db, settings, cart, "same") for i in range(8))
        )
        assert len({order.id for order, _ in same}) == 1
        assert sum(created for _, created in same) == 1
    finally:
        await other.dispose()
    assert await _sold(db, HONEY) == (3, 21)


async def test_readers_do_not_wait_for_a_writer(db: Database) -> None:
    """While a checkout holds the write lock, shoppers can still read the catalogue."""
    writer_locked, reader_done = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as session:
            await session.execute(
                update(Item).where(Item.id == HONEY).values(available=Item.available - 1)
            )
            writer_locked.set()
            await reader_done.wait()  # keep the transaction (and SQLite's lock) open

    async def reader() -> int | None:
        await writer_locked.wait()
        async with db.reading() as session:
            seen = await session.scalar(select(Item.available).where(Item.id == HONEY))
        reader_done.set()
        return seen

    _, seen = await asyncio.gather(writer(), reader())
    assert seen == 24  # the committed value, not the writer's uncommitted 23
    assert (await _sold(db, HONEY))[1] == 23


async def test_concurrent_adds_to_one_cart_lose_nothing(db: Database, database_url: str) -> None:
    """Adds racing on one cart from two "processes" each count: one line per item, no
    quantity lost to a stale read, no duplicate-line error."""
    cart = (await add_item(db, None, HONEY, 1)).token
    other = Database(database_url)
    try:
        await asyncio.gather(
            *(
                add_item(other if i % 2 else db, cart, HONEY if i % 3 else BREAD, 1)
                for i in range(SHOPPERS)
            )
        )
    finally:
        await other.dispose()
    view = await add_item(db, cart, BREAD, 1)
    quantities = {line.item_id: line.quantity for line in view.lines}
    assert quantities == {HONEY: 1 + 16, BREAD: 8 + 1}
    assert view.item_count == 26


async def test_checkouts_of_unlimited_stock_do_not_queue(postgres_database: str) -> None:
    """PostgreSQL (SQLite serialises every writer anyway): while another transaction holds the
    unlimited loaf's row (a late payment taking its stock again, say), a shopper's checkout of
    the loaf goes through at once instead of waiting for that transaction to end."""
    await migrate(postgres_database)
    db = Database(postgres_database)
    try:
        await sync_catalog(db, parse_catalog(catalogs.sample()))
        cart = (await add_item(db, None, BREAD, 2)).token
        async with db.transaction() as other:
            await reserve(other, [(BREAD, 1)])  # holds the row until this block ends
            order, created = await asyncio.wait_for(
                place_order(db, make_settings(postgres_database), cart, "key"), timeout=10
            )
        assert created
        assert [(line.item_id, line.quantity) for line in order.lines] == [(BREAD, 2)]
        assert await _sold(db, BREAD) == (2, None)
    finally:
        await db.dispose()
