"""After any sequence of catalogue syncs, reservations, sales and releases, what is on sale is
``stock - held - sold`` (never below zero), checked against a model with hypothesis on SQLite
and PostgreSQL (issue 11 item 5: cherry-spoon had 5 in stock, all held; a sync lowered stock
to 2, cancelling the 5 holds then put 5 on sale instead of 0)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from commerce_api.db import Database
from commerce_api.db.models import Item
from commerce_api.domain.catalog import parse_catalog, sync_catalog
from commerce_api.domain.orders._stock import release, reserve
from commerce_api.errors import OutOfStock
from tests.commerce import catalogs

_fresh = itertools.count()


@dataclass
class Model:
    stock: int
    held: list[int] = field(default_factory=list)
    sold: int = 0

    @property
    def available(self) -> int:
        return max(0, self.stock - sum(self.held) - self.sold)


operations = st.lists(
    st.one_of(
        st.tuples(st.just("sync"), st.integers(0, 6)),
        st.tuples(st.just("reserve"), st.integers(1, 4)),
        st.tuples(st.just("release"), st.integers(0, 20)),
        st.tuples(st.just("sell"), st.integers(0, 20)),
        st.tuples(st.just("refund"), st.integers(1, 3)),
    ),
    max_size=10,
)


async def _sync(db: Database, slug: str, stock: int) -> None:
    await sync_catalog(db, parse_catalog(catalogs.catalog(catalogs.product(slug, stock=stock))))


async def _available(db: Database, item_id: str) -> int | None:
    async with db.reading() as session:
        return await session.scalar(select(Item.available).where(Item.id == item_id))


async def _run(db: Database, start: int, ops: list[tuple[str, int]]) -> None:
    slug = f"spoon-{next(_fresh)}"
    item_id = f"product:{slug}"
    model = Model(stock=start)
    await _sync(db, slug, start)
    for op, n in ops:
        if op == "sync":
            model.stock = n
            await _sync(db, slug, n)
        elif op == "reserve":
            fits = n <= model.available
            try:
                async with db.transaction() as session:
                    await reserve(session, [(item_id, n)])
            except OutOfStock:
                assert not fits, (op, n, model)
            else:
                assert fits, (op, n, model)
                model.held.append(n)
        elif op in ("release", "sell") and model.held:
            quantity = model.held.pop(n % len(model.held))
            if op == "release":  # an order failed, expired or was cancelled
                async with db.transaction() as session:
                    await release(session, [(item_id, quantity)])
            else:  # paid: held becomes sold, the row does not move
                model.sold += quantity
        elif op == "refund" and model.sold >= n:
            model.sold -= n
            async with db.transaction() as session:
                await release(session, [(item_id, n)])
        assert await _available(db, item_id) == model.available, (ops, model)


async def test_lowering_stock_below_what_is_held_does_not_oversell(db: Database) -> None:
    """The reported case: 5 in stock, all held, stock lowered to 2, the holds released."""
    await _run(db, 5, [("reserve", 5), ("sync", 2), ("release", 0)])
    await _run(db, 5, [("reserve", 3), ("reserve", 2), ("sync", 2), ("release", 0), ("release", 0)])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.integers(0, 6), ops=operations)
async def test_available_is_stock_minus_held_minus_sold(
    db: Database, start: int, ops: list[tuple[str, int]]
) -> None:
    await _run(db, start, ops)
