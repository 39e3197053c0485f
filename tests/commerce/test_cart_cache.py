"""``GET /cart`` answered from the process's memory (``commerce_api.domain.cart._cache``), and
never wrong for it: every change shows at once in the process that made it and within a
second in another process, an unknown token stays a 404, the memory stays bounded."""

from __future__ import annotations

import asyncio
import json
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from commerce_api.app import create_app
from commerce_api.db import Database, migrate
from commerce_api.domain.cart import CartLineView, CartView
from commerce_api.domain.cart._cache import (
    MAX_ENTRIES,
    RECENT_CHANGES,
    CartCache,
    cart_cache_of,
)
from commerce_api.domain.cart._watch import APPLICATION_NAME
from commerce_api.domain.catalog import Encoded, parse_catalog, sync_catalog
from commerce_api.fake_sumup import FakeSumUpProcess
from tests.accounts.helpers import api, register_and_verify, sign_in
from tests.accounts.helpers import make_settings as account_settings
from tests.commerce import catalogs
from tests.commerce.api_process import ApiProcess, add
from tests.commerce.conftest import make_settings
from tests.commerce.shop import BREAD, HONEY, JAM, Shopper, checkout_id


@pytest.fixture
async def shopper(
    db: Database, database_url: str, fake_sumup: FakeSumUpProcess
) -> AsyncIterator[Shopper]:
    async with AsyncTestClient(create_app(make_settings(database_url, fake_sumup.url))) as c:
        yield Shopper(c)


def _kept(client: AsyncTestClient[Any]) -> CartCache:
    return cart_cache_of(client.app.state.db)


async def _lines(client: AsyncTestClient[Any], token: str) -> dict[str, int]:
    response = await client.get("/cart", headers={"X-Cart-Token": token})
    assert response.status_code == 200, response.text
    return {line["item_id"]: line["quantity"] for line in response.json()["lines"]}


async def test_every_change_in_this_process_shows_at_once(
    shopper: Shopper, fake_sumup: FakeSumUpProcess
) -> None:
    client = shopper.client
    cart = await shopper.cart((JAM, 1))
    headers = {"X-Cart-Token": cart}
    first = await client.get("/cart", headers=headers)
    assert first.json()["lines"][0]["quantity"] == 1
    assert len(_kept(client)) == 1, "the answer is kept in memory"
    etag = first.headers["etag"]
    assert first.headers["x-cart-token"] == cart
    assert f"ra_cart={cart}" in first.headers["set-cookie"]
    assert first.headers["cache-control"] == "private, no-cache"
    again = await client.get("/cart", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""

    async def step(change: Any, expected: dict[str, int]) -> None:
        assert len(_kept(client)) >= 1  # the previous answer was kept: a stale one could show
        await change
        assert await _lines(client, cart) == expected

    await step(
        client.post("/cart/items", json={"item_id": JAM, "quantity": 1}, headers=headers), {JAM: 2}
    )
    changed = await client.get("/cart", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    await step(
        client.post("/cart/items", json={"item_id": HONEY}, headers=headers), {JAM: 2, HONEY: 1}
    )
    await step(
        client.put(f"/cart/items/{JAM}", json={"quantity": 3}, headers=headers), {JAM: 3, HONEY: 1}
    )
    await step(client.delete(f"/cart/items/{HONEY}", headers=headers), {JAM: 3})

    # Checkout empties the cart; a declined payment gives the lines back to it.
    order = (await shopper.checkout(cart)).json()
    assert await _lines(client, cart) == {}
    fake_sumup.decline(checkout_id(order))
    await step(shopper.webhook(checkout_id(order)), {JAM: 3})

    # Stock shows as the catalogue moves: another shopper takes the last jars.
    assert (await client.get("/cart", headers=headers)).json()["lines"][0]["available"] is True
    other = await shopper.cart((JAM, 3))
    await shopper.checkout(other)
    assert (await client.get("/cart", headers=headers)).json()["lines"][0]["available"] is False


async def test_a_sign_in_merge_shows_at_once(database_url: str, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(catalogs.sample()))
    async with api(account_settings(database_url, catalog_path=str(catalog))) as client:
        db = Database(database_url)
        try:
            await sync_catalog(db, parse_catalog(catalogs.sample()))
        finally:
            await db.dispose()
        await register_and_verify(client, database_url, "ann@example.org")
        member = (await client.post("/cart/items", json={"item_id": HONEY})).json()["token"]
        await sign_in(client, "ann@example.org")
        client.cookies.clear()
        browser = (await client.post("/cart/items", json={"item_id": JAM})).json()["token"]
        assert await _lines(client, member) == {HONEY: 1}
        assert await _lines(client, browser) == {JAM: 1}
        assert len(_kept(client)) == 2

        assert (await sign_in(client, "ann@example.org"))["cart_token"] == member
        assert await _lines(client, member) == {HONEY: 1, JAM: 1}
        gone = await client.get("/cart", headers={"X-Cart-Token": browser})
        assert gone.status_code == 404


async def test_an_unknown_cart_is_a_404_every_time(client: AsyncTestClient[Any]) -> None:
    for _ in range(3):
        missing = await client.get("/cart", headers={"X-Cart-Token": "x" * 43})
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert missing.json()["field"] == "X-Cart-Token"
    assert (await client.get("/cart", headers={"X-Cart-Token": "no!"})).status_code == 400
    assert len(_kept(client)) == 0
    empty = await client.get("/cart")
    assert empty.status_code == 200 and empty.json()["lines"] == []
    assert "set-cookie" not in empty.headers


def _get(url: str, token: str) -> dict[str, int]:
    answer = httpx.get(f"{url}/cart", headers={"X-Cart-Token": token}, timeout=10).json()
    return {line["item_id"]: line["quantity"] for line in answer["lines"]}


def _seen_within(url: str, token: str, expected: dict[str, int], seconds: float) -> float:
    """How long until ``url`` answers ``expected`` (fails after ``seconds``)."""
    start = time.monotonic()
    while (waited := time.monotonic() - start) < seconds:
        if _get(url, token) == expected:
            return waited
        time.sleep(0.02)
    raise AssertionError(f"{url} still answers {_get(url, token)}, not {expected}")


def test_a_change_through_another_process_shows_within_a_second(
    database_url: str, tmp_path: Path, fake_sumup: FakeSumUpProcess
) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one = ApiProcess(database_url, fake_sumup.url, tmp_path / "one")
    two = ApiProcess(database_url, fake_sumup.url, tmp_path / "two")
    one.start()
    try:
        two.start()
        try:
            with httpx.Client(base_url=one.url, timeout=10) as shop:
                token = add(shop, JAM, 1)["token"]
                shop.headers["X-Cart-Token"] = token
                for _ in range(3):  # the other process reads, and keeps, the answer
                    assert _get(two.url, token) == {JAM: 1}
                for change, expected in (
                    (lambda: add(shop, BREAD, 2), {JAM: 1, BREAD: 2}),
                    (
                        lambda: shop.put(f"/cart/items/{JAM}", json={"quantity": 3}),
                        {JAM: 3, BREAD: 2},
                    ),
                    (lambda: shop.delete(f"/cart/items/{BREAD}"), {JAM: 3}),
                ):
                    change()
                    assert _get(one.url, token) == expected  # at once where it was made
                    assert _seen_within(two.url, token, expected, 1.0) < 1.0
        finally:
            two.stop()
    finally:
        one.stop()


async def test_the_postgres_watch_listens_again_after_losing_its_connection(
    postgres_database: str,
) -> None:
    await migrate(postgres_database)
    db = Database(postgres_database)
    await sync_catalog(db, parse_catalog(catalogs.sample()))
    try:
        async with AsyncTestClient(create_app(make_settings(postgres_database))) as client:
            token = (await client.post("/cart/items", json={"item_id": JAM})).json()["token"]
            cache = _kept(client)
            await _wait(lambda: cache.ticket() is not None, "the watch listening")
            assert await _lines(client, token) == {JAM: 1}
            assert len(cache) == 1
            async with db.engine.connect() as conn:
                killed = await conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name AND datname = current_database()"
                    ),
                    {"name": APPLICATION_NAME},
                )
                assert killed.scalar_one() is True
            await _wait(lambda: len(cache) == 0 and cache.ticket() is None, "the cache emptied")
            # Meanwhile another process changes the cart (its notification is lost here).
            async with db.engine.begin() as conn:
                await conn.exec_driver_sql("UPDATE cart_lines SET quantity = 2")
            assert await _lines(client, token) == {JAM: 2}
            await _wait(lambda: cache.ticket() is not None, "the watch listening again", 5.0)
            assert await _lines(client, token) == {JAM: 2}
            assert len(cache) == 1
    finally:
        await db.dispose()


async def _wait(check: Any, what: str, seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what}")
        await asyncio.sleep(0.02)


class _Watch:
    def __init__(self) -> None:
        self.value: object | None = 1
        self.announced: list[int] = []

    def stamp(self) -> object | None:
        return self.value

    def announce(self, cart_ids: Iterable[int]) -> None:
        self.announced.extend(cart_ids)


def _answer(n: int) -> Encoded:
    line = CartLineView(
        item_id=f"product:item-{n}",
        kind="product",
        title=f"A jar of something good, number {n}",
        url=f"https://rose-ash.example.coop/market/item-{n}/",
        unit_price_minor=650,
        quantity=2,
        line_total_minor=1300,
        available=True,
        unit_price_text="£6.50",
        line_total_text="£13.00",
    )
    view = CartView(f"{n:043d}", "GBP", [line] * 3, 3900, 6, "£39.00")
    return Encoded.of(view)


def _filled(cache: CartCache, count: int) -> None:
    for n in range(count):
        cache.put(f"t{n}", n, "catalog", cache.ticket(), _answer(n))


def test_the_cache_keeps_the_most_recently_used_answers_only() -> None:
    cache = CartCache(max_entries=3)
    cache.watch = _Watch()
    _filled(cache, 3)
    assert cache.get("t0", "catalog") is not None  # t0 used again: t1 is now the oldest
    cache.put("t3", 3, "catalog", cache.ticket(), _answer(3))
    assert len(cache) == 3
    assert cache.get("t1", "catalog") is None
    assert all(cache.get(t, "catalog") is not None for t in ("t0", "t2", "t3"))


def test_memory_stays_bounded() -> None:
    cache = CartCache()
    cache.watch = _Watch()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        _filled(cache, 3 * MAX_ENTRIES)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(cache) == MAX_ENTRIES
    assert grown < 12 * 1024 * 1024, f"{grown / 2**20:.1f} MB for {MAX_ENTRIES} answers"


def test_an_answer_is_kept_and_served_only_while_nothing_changed() -> None:
    watch = _Watch()
    cache = CartCache()
    cache.watch = watch
    # A change to this cart heard while it was being read: what was read is not kept.
    ticket = cache.ticket()
    cache.drop([7])
    cache.put("t7", 7, "catalog", ticket, _answer(7))
    assert len(cache) == 0
    # Changes to other carts do not matter, unless too many to remember, or all dropped.
    ticket = cache.ticket()
    cache.drop([5, 6])
    cache.put("t4", 4, "catalog", ticket, _answer(4))
    assert cache.get("t4", "catalog") is not None
    ticket = cache.ticket()
    for n in range(RECENT_CHANGES):
        cache.drop([100 + n])
    cache.put("t3", 3, "catalog", ticket, _answer(3))
    assert cache.get("t3", "catalog") is not None
    cache.drop([99])
    cache.put("t2", 2, "catalog", ticket, _answer(2))
    assert cache.get("t2", "catalog") is None
    ticket = cache.ticket()
    cache.clear()
    cache.put("t1", 1, "catalog", ticket, _answer(1))
    assert len(cache) == 0
    cache.put("t7", 7, "catalog", cache.ticket(), _answer(7))
    assert cache.get("t7", "catalog") is not None
    assert cache.get("t7", "another catalogue") is None  # stock or prices moved
    watch.value = 2  # something changed that the watch cannot name (SQLite's data version)
    assert cache.get("t7", "catalog") is None
    watch.value = None  # the watch cannot vouch (PostgreSQL's listener lost)
    assert cache.ticket() is None
    cache.put("t8", 8, "catalog", cache.ticket(), _answer(8))
    assert cache.get("t8", "catalog") is None
    watch.value = 3
    cache.put("t8", 8, "catalog", cache.ticket(), _answer(8))
    cache.drop([8])
    assert cache.get("t8", "catalog") is None and len(cache) == 1  # t7 stays


def test_an_answer_is_read_again_once_it_is_old() -> None:
    """A change whose notification never came (its process killed right after the commit)
    is seen once the answer is ``max_age`` old."""
    cache = CartCache(max_age=0.05)
    cache.watch = _Watch()
    cache.put("t1", 1, "catalog", cache.ticket(), _answer(1))
    assert cache.get("t1", "catalog") is not None
    time.sleep(0.06)
    assert cache.get("t1", "catalog") is None
    assert len(cache) == 0
