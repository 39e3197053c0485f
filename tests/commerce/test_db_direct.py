"""``Database.read``/``write``: a statement used again is sent straight to asyncpg on
PostgreSQL (``server_kernel.direct``); what callers get must not change with that."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import bindparam, insert, literal, select, update

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Cart, Item
from tests.conftest import POSTGRES_ADMIN_DSN

ITEMS = Item.__table__
CARTS = Cart.__table__

ITEM = select(ITEMS.c.id, ITEMS.c.price_minor, ITEMS.c.active, literal(None).label("none")).where(
    ITEMS.c.id == bindparam("id")
)
SYNCED = select(ITEMS.c.synced_at).where(ITEMS.c.id == bindparam("id"))
NEW_CART = (
    insert(CARTS)
    .values(token=bindparam("token"), created_at=bindparam("now"), updated_at=bindparam("now"))
    .returning(CARTS.c.id, CARTS.c.token)
)
TOUCH = update(CARTS).where(CARTS.c.token == bindparam("t")).values(updated_at=bindparam("now"))


async def test_rows_read_alike_on_first_and_later_uses(db: Database) -> None:
    answers = [await db.read(ITEM, {"id": "product:wildflower-honey"}) for _ in range(3)]
    for rows in answers:
        (row,) = rows
        assert (row.id, row.price_minor, row.active, row.none) == (
            "product:wildflower-honey",
            650,
            True,
            None,
        )
        assert (row[0], row[1]) == ("product:wildflower-honey", 650)
        with pytest.raises(AttributeError):
            _ = row.no_such_column
    assert await db.read(ITEM, {"id": "product:none"}) == []


async def test_timestamps_stay_aware_utc(db: Database) -> None:
    for _ in range(3):
        (row,) = await db.read(SYNCED, {"id": "product:wildflower-honey"})
        assert row.synced_at.tzinfo is not None
        assert row.synced_at.utcoffset().total_seconds() == 0


async def test_an_in_list_and_a_statement_made_per_call_still_work(db: Database) -> None:
    for ids in (
        ["product:wildflower-honey"],
        ["product:wildflower-honey", "product:plum-jam"],
        ["product:plum-jam"],
    ):
        rows = await db.read(select(ITEMS.c.id).where(ITEMS.c.id.in_(ids)).order_by(ITEMS.c.id))
        assert [row.id for row in rows] == sorted(ids)


async def test_write_returns_what_returning_names(db: Database) -> None:
    for n in range(3):
        token = f"direct-test-cart-{n:04d}"
        now = datetime(2026, 12, 4, 12, n, tzinfo=UTC)
        (row,) = await db.write(NEW_CART, {"token": token, "now": now})
        assert row.token == token
        assert await db.write(TOUCH, {"t": token, "now": utcnow()}) == []


async def test_a_connection_the_server_dropped_is_not_handed_out_again(
    postgres_database: str,
) -> None:
    from commerce_api.db import migrate

    await migrate(postgres_database)
    db = Database(postgres_database, pool_size=1, max_overflow=0)
    try:
        for _ in range(2):
            assert await db.read(ITEM, {"id": "x"}) == []
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
        try:
            name = postgres_database.rsplit("/", 1)[1]
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
            )
        finally:
            await admin.close()
        # Whatever asyncpg says first (the connection is closed, another operation is in
        # progress, PostgreSQL's 57P01), it is a ConnectionError, answered 503 by
        # server_kernel.problems, and the connection is dropped.
        with pytest.raises(ConnectionError):
            await db.read(ITEM, {"id": "x"})
        assert await db.read(ITEM, {"id": "x"}) == []
    finally:
        await db.dispose()
