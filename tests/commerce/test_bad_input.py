"""Hostile or broken input gets a 4xx problem naming the field, never a 500, on SQLite and on
PostgreSQL (which refuses NUL characters in text, so they must be caught before a query)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from commerce_api.db import Database
from commerce_api.domain.catalog import parse_catalog, sync_catalog
from tests.commerce import catalogs
from tests.commerce.shop import FREE_TALK, HONEY, Shopper


async def test_nul_characters_and_huge_numbers_are_refused_by_field(
    client: AsyncTestClient,
) -> None:
    shopper = Shopper(client)
    cart = {"X-Cart-Token": await shopper.cart((HONEY, 1))}
    answers = {
        "add nul": await client.post("/cart/items", json={"item_id": "product:\u0000"}),
        "add huge": await client.post("/cart/items", json={"item_id": HONEY, "quantity": 10**30}),
        "catalog nul": await client.get("/catalog/product:%00"),
        "change nul": await client.put("/cart/items/a%00", json={"quantity": 1}, headers=cart),
        "remove nul": await client.delete("/cart/items/a%00", headers=cart),
        "book nul": await client.post("/bookings", json={"item_id": "ticket:\u0000"}),
        "book email nul": await client.post(
            "/bookings", json={"item_id": FREE_TALK, "email": "a\u0000b@example.org"}
        ),
        "checkout email nul": await client.post(
            "/checkout",
            json={"email": "a\u0000b@example.org"},
            headers={**cart, "Idempotency-Key": "k"},
        ),
    }
    seen = {name: (r.status_code, r.json().get("field")) for name, r in answers.items()}
    assert seen == {
        "add nul": (422, "item_id"),
        "add huge": (422, "quantity"),
        "catalog nul": (404, "item_id"),
        "change nul": (404, "item_id"),
        "remove nul": (404, "item_id"),
        "book nul": (422, "item_id"),
        "book email nul": (422, "email"),
        "checkout email nul": (422, "email"),
    }
    assert all(
        r.headers["content-type"].startswith("application/problem+json") for r in answers.values()
    )
    assert await shopper.available(FREE_TALK) == 2


async def test_a_basket_too_big_to_pay_is_refused_not_a_500(
    db: Database, client: AsyncTestClient
) -> None:
    """Totals are 32-bit integers in the database: a huge basket is a 422, not an overflow."""
    tractor = catalogs.product("tractor", price=30_000_000, stock=None)
    await sync_catalog(db, parse_catalog(catalogs.catalog(tractor)))
    shopper = Shopper(client)
    cart = await shopper.cart(("product:tractor", 100))
    refused = await shopper.checkout(cart)
    assert (refused.status_code, refused.json()["field"]) == (422, "quantity")
