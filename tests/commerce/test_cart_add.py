"""Adding to an existing cart is one statement whose rules are checked in SQL (``add_item``):
the quantity limit, stock, the cart's currency, an unknown cart. Each refusal is still the
4xx problem it was, and racing adds neither lose quantities nor mix currencies."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import bindparam, text

from commerce_api.db import Database, UTCDateTime, migrate
from commerce_api.domain.cart import MAX_QUANTITY, add_item
from commerce_api.domain.cart.cookie import cart_cookie, cart_cookie_header
from commerce_api.domain.catalog import parse_catalog, sync_catalog
from commerce_api.errors import CurrencyMismatch
from commerce_api.tokens import new_token
from tests.commerce import catalogs
from tests.commerce.conftest import make_settings
from tests.commerce.shop import BREAD, HONEY, JAM
from tests.commerce.test_cart_api import new_cart, problem

CHEESE = "product:euro-cheese"
LINE = "(cart_id, item_id, quantity)"


async def with_cheese(db: Database) -> None:
    data = catalogs.sample()
    data["items"].append(catalogs.product("euro-cheese", price=900, currency="EUR"))
    await sync_catalog(db, parse_catalog(data))


async def add(client: AsyncTestClient, token: str, item_id: str, quantity: int = 1) -> Any:
    return await client.post(
        "/cart/items",
        json={"item_id": item_id, "quantity": quantity},
        headers={"X-Cart-Token": token},
    )


def quantities(response: Any) -> dict[str, int]:
    assert response.status_code == 200, response.text
    return {line["item_id"]: line["quantity"] for line in response.json()["lines"]}


async def test_quantity_limit_and_stock_are_checked_on_the_line(client: AsyncTestClient) -> None:
    token = await new_cart(client, BREAD, 60)
    body = problem(await add(client, token, BREAD, MAX_QUANTITY - 59), 422, "quantity")
    assert f"at most {MAX_QUANTITY}" in body["detail"]
    assert quantities(await add(client, token, BREAD, MAX_QUANTITY - 60)) == {BREAD: 100}

    assert quantities(await add(client, token, JAM, 2)) == {BREAD: 100, JAM: 2}
    body = problem(await add(client, token, JAM, 2), 409, "quantity")  # 3 in stock
    assert body["available"] == 3 and "only 3" in body["detail"]
    problem(await add(client, token, HONEY, 25), 409, "quantity")  # 24 in stock, a new line
    answer = await add(client, token, JAM, 1)
    assert quantities(answer) == {BREAD: 100, JAM: 3}
    assert answer.json()["total_minor"] == 100 * 380 + 3 * 425
    view = (await client.get("/cart", headers={"X-Cart-Token": token})).json()
    assert {line["item_id"]: line["quantity"] for line in view["lines"]} == {BREAD: 100, JAM: 3}


async def test_unknown_cart_and_item(client: AsyncTestClient) -> None:
    problem(await add(client, "no-such-cart-token-0000", HONEY), 404, "X-Cart-Token")
    token = await new_cart(client)
    problem(await add(client, token, "product:no-such-thing"), 422, "item_id")


async def test_the_cart_keeps_one_currency_until_it_is_emptied(
    client: AsyncTestClient, db: Database
) -> None:
    await with_cheese(db)
    token = await new_cart(client, HONEY)
    body = problem(await add(client, token, CHEESE), 422, "item_id")
    assert "check them out separately" in body["detail"]
    removed = await client.delete(f"/cart/items/{HONEY}", headers={"X-Cart-Token": token})
    assert removed.status_code == 200 and removed.json()["lines"] == []
    answer = await add(client, token, CHEESE, 2)
    assert quantities(answer) == {CHEESE: 2} and answer.json()["currency"] == "EUR"
    problem(await add(client, token, HONEY), 422, "item_id")
    assert quantities(await add(client, token, CHEESE)) == {CHEESE: 3}


async def test_a_cart_made_before_carts_had_a_currency(
    client: AsyncTestClient, db: Database
) -> None:
    await with_cheese(db)
    token = await new_cart(client, HONEY)
    async with db.transaction() as session:
        await session.execute(text("UPDATE carts SET currency = NULL"))
    problem(await add(client, token, CHEESE), 422, "item_id")
    assert quantities(await add(client, token, JAM)) == {HONEY: 1, JAM: 1}
    assert quantities(await add(client, token, HONEY)) == {HONEY: 2, JAM: 1}


async def test_racing_adds_of_two_currencies_to_an_emptied_cart_keep_one(
    db: Database, database_url: str
) -> None:
    """The cart's currency is held on its row: adds racing to take an emptied cart (its
    currency left over from the line removed) end with lines of one currency only, each
    refused add a currency mismatch, and the kept adds summed."""
    await with_cheese(db)
    token = (await add_item(db, None, HONEY, 1)).token
    assert token is not None
    wants = [CHEESE if n % 4 < 2 else BREAD for n in range(24)]
    other = Database(database_url)
    try:
        for _ in range(3):
            async with db.transaction() as session:
                await session.execute(text("DELETE FROM cart_lines"))
                await session.execute(text("UPDATE carts SET currency = 'GBP'"))
            results = await asyncio.gather(
                *(add_item(other if n % 2 else db, token, want, 1) for n, want in enumerate(wants)),
                return_exceptions=True,
            )
            refused = [r for r in results if isinstance(r, BaseException)]
            assert all(isinstance(r, CurrencyMismatch) for r in refused), refused
            kept = [want for want, r in zip(wants, results, strict=True) if r not in refused]
            assert len(set(kept)) == 1, kept
            rows = await db.read(text("SELECT item_id, quantity FROM cart_lines"))
            assert {row.item_id: row.quantity for row in rows} == {kept[0]: len(kept)}
    finally:
        await other.dispose()


async def test_an_add_waits_for_a_change_of_currency_and_checks_it_again(
    db: Database, database_url: str
) -> None:
    """While another transaction holds the emptied cart's row, setting the cart to euros and
    adding a euro line (as an add of a euro item to the emptied cart does), an add of a
    pound item waits, then finds the cart in euros and is refused."""
    await with_cheese(db)
    token = (await add_item(db, None, HONEY, 1)).token
    assert token is not None
    await db.write(text("DELETE FROM cart_lines"))
    other = Database(database_url)
    try:
        async with other.transaction() as session:
            await session.execute(text("UPDATE carts SET currency = 'EUR'"))
            await session.execute(
                text(f"INSERT INTO cart_lines {LINE} SELECT id, :i, 1 FROM carts"),
                {"i": CHEESE},
            )
            pound = asyncio.create_task(add_item(db, token, BREAD, 1))
            await asyncio.sleep(0.5)
            assert not pound.done()  # waiting for the row, not acting on the old currency
        with pytest.raises(CurrencyMismatch):
            await pound
    finally:
        await other.dispose()
    view = await add_item(db, token, CHEESE, 1)
    assert [(line.item_id, line.quantity) for line in view.lines] == [(CHEESE, 2)]


async def test_migration_gives_a_cart_the_currency_of_its_lines(database_url: str) -> None:
    await migrate(database_url, "c0005_order_page_url")
    db = Database(database_url)
    try:
        await sync_catalog(db, parse_catalog(catalogs.sample()))
        async with db.transaction() as session:
            for cart_id, token in ((1, "old-cart-with-lines-0001"), (2, "old-empty-cart-00002")):
                await session.execute(
                    text(
                        "INSERT INTO carts (id, token, created_at, updated_at)"
                        " VALUES (:id, :token, :now, :now)"
                    ).bindparams(bindparam("now", type_=UTCDateTime())),
                    {"id": cart_id, "token": token, "now": datetime(2026, 12, 1, tzinfo=UTC)},
                )
            await session.execute(
                text("INSERT INTO cart_lines (cart_id, item_id, quantity) VALUES (1, :i, 2)"),
                {"i": JAM},
            )
        await migrate(database_url)
        rows = await db.read(text("SELECT id, currency FROM carts ORDER BY id"))
        assert [(row.id, row.currency) for row in rows] == [(1, "GBP"), (2, None)]
        view = await add_item(db, "old-cart-with-lines-0001", JAM, 1)
        assert [(line.item_id, line.quantity) for line in view.lines] == [(JAM, 3)]
    finally:
        await db.dispose()


def test_the_cart_cookie_header_is_the_cookie_litestar_renders() -> None:
    for public_url in ("http://127.0.0.1:8000", "https://shop.rose-ash.example.coop"):
        settings = make_settings("sqlite+aiosqlite://", public_url=public_url)
        for token in (new_token(), new_token(16), "A-b_9" * 4):
            rendered = cart_cookie(token, settings).to_encoded_header()[1].decode("latin-1")
            assert cart_cookie_header(token, settings) == rendered
        with pytest.raises(ValueError):
            cart_cookie_header("a; Domain=evil.example", settings)
