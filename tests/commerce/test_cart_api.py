"""Cart over HTTP (in-process app): totals come from the catalogue, and every bad input is a
4xx problem+json body naming the field."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import text

from commerce_api.db import Database
from commerce_api.domain.catalog import parse_catalog, sync_catalog
from tests.commerce import catalogs
from tests.commerce.shop import BREAD, HONEY, JAM

SITE = "https://rose-ash.example.coop"


def problem(response: Any, status: int, field: str, case: str = "") -> dict[str, Any]:
    where = f"{case}: {response.text}"
    assert response.status_code == status, where
    assert response.headers["content-type"].startswith("application/problem+json"), where
    body = response.json()
    assert body["status"] == status and body["type"] and body["title"], where
    assert body["field"] == field, where
    assert "Traceback" not in response.text
    return body


async def new_cart(client: AsyncTestClient, item_id: str = HONEY, quantity: int = 1) -> str:
    client.cookies.clear()
    response = await client.post("/cart/items", json={"item_id": item_id, "quantity": quantity})
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


async def test_add_view_change_remove_with_server_totals(client: AsyncTestClient) -> None:
    empty = await client.get("/cart")
    assert empty.json() == {
        "token": None,
        "currency": None,
        "lines": [],
        "total_minor": 0,
        "item_count": 0,
        "total_text": "",
    }
    created = await client.post(
        "/cart/items",
        json={"item_id": HONEY, "quantity": 2, "price": 1, "unit_price_minor": 1, "total": 2},
    )
    assert created.status_code == 201
    token = created.json()["token"]
    assert created.headers["x-cart-token"] == token
    assert created.json()["total_minor"] == 1300  # the catalogue's 650, not the client's 1

    headers = {"X-Cart-Token": token}
    added = await client.post(
        "/cart/items", json={"item_id": BREAD, "quantity": 3}, headers=headers
    )
    assert added.json()["total_minor"] == 2 * 650 + 3 * 380
    # No header this time: the ra_cart cookie the client kept names the same cart.
    again = await client.post("/cart/items", json={"item_id": HONEY})
    assert [(x["item_id"], x["quantity"]) for x in again.json()["lines"]] == [
        (HONEY, 3),
        (BREAD, 3),
    ]

    changed = await client.put(f"/cart/items/{BREAD}", json={"quantity": 1}, headers=headers)
    assert changed.json()["total_minor"] == 3 * 650 + 380
    removed = await client.delete(f"/cart/items/{HONEY}", headers=headers)
    assert removed.status_code == 200
    viewed = (await client.get("/cart", headers=headers)).json()
    assert [x["item_id"] for x in viewed["lines"]] == [BREAD]
    assert (viewed["total_minor"], viewed["item_count"], viewed["currency"]) == (380, 1, "GBP")


async def test_every_bad_input_is_a_problem_naming_the_field(client: AsyncTestClient) -> None:
    post = client.post
    json_type = {"content-type": "application/json"}
    cases: list[tuple[str, Any, int, str]] = [
        (
            "unknown product",
            post("/cart/items", json={"item_id": "product:unicorn"}),
            422,
            "item_id",
        ),
        ("missing item_id", post("/cart/items", json={"quantity": 1}), 422, "item_id"),
        ("zero", post("/cart/items", json={"item_id": HONEY, "quantity": 0}), 422, "quantity"),
        ("negative", post("/cart/items", json={"item_id": HONEY, "quantity": -3}), 422, "quantity"),
        (
            "too many",
            post("/cart/items", json={"item_id": HONEY, "quantity": 101}),
            422,
            "quantity",
        ),
        ("text", post("/cart/items", json={"item_id": HONEY, "quantity": "two"}), 422, "quantity"),
        (
            "fraction",
            post("/cart/items", json={"item_id": HONEY, "quantity": 1.5}),
            422,
            "quantity",
        ),
        ("null", post("/cart/items", json={"item_id": HONEY, "quantity": None}), 422, "quantity"),
        (
            "beyond stock",
            post("/cart/items", json={"item_id": JAM, "quantity": 4}),
            409,
            "quantity",
        ),
        (
            "malformed JSON",
            post("/cart/items", content=b'{"item_id": ', headers=json_type),
            400,
            "body",
        ),
        ("not an object", post("/cart/items", json=[HONEY]), 400, "body"),
        (
            "oversized body",
            post(
                "/cart/items", content=b'{"item_id": "' + b"x" * 200_000 + b'"}', headers=json_type
            ),
            413,
            "body",
        ),
        (
            "malformed token",
            client.get("/cart", headers={"X-Cart-Token": "<script>"}),
            400,
            "X-Cart-Token",
        ),
        (
            "unknown token",
            client.get("/cart", headers={"X-Cart-Token": "A" * 43}),
            404,
            "X-Cart-Token",
        ),
    ]
    for case, request, status, field in cases:
        client.cookies.clear()
        problem(await request, status, field, case)

    token = await new_cart(client, JAM, 3)
    headers = {"X-Cart-Token": token}
    problem(await post("/cart/items", json={"item_id": JAM}, headers=headers), 409, "quantity")
    problem(
        await client.put(f"/cart/items/{JAM}", json={"quantity": 9}, headers=headers),
        409,
        "quantity",
    )
    problem(
        await client.put(f"/cart/items/{HONEY}", json={"quantity": 1}, headers=headers),
        404,
        "item_id",
    )
    problem(await client.delete(f"/cart/items/{HONEY}", headers=headers), 404, "item_id")
    client.cookies.clear()
    problem(await client.put(f"/cart/items/{JAM}", json={"quantity": 1}), 400, "X-Cart-Token")
    out = problem(await post("/cart/items", json={"item_id": JAM, "quantity": 4}), 409, "quantity")
    assert out["available"] == 3  # the problem says how many are left


async def test_currencies_and_withdrawn_items(client: AsyncTestClient, db: Database) -> None:
    data = catalogs.sample()
    data["items"].append(catalogs.product("euro-cheese", price=900, currency="EUR"))
    await sync_catalog(db, parse_catalog(data))
    token = await new_cart(client, JAM)
    headers = {"X-Cart-Token": token}
    mixed = await client.post(
        "/cart/items", json={"item_id": "product:euro-cheese"}, headers=headers
    )
    problem(mixed, 422, "item_id")

    data["items"] = [i for i in data["items"] if i["id"] != JAM]
    await sync_catalog(db, parse_catalog(data))
    view = (await client.get("/cart", headers=headers)).json()
    assert view["lines"][0]["available"] is False
    problem(
        await client.post("/cart/items", json={"item_id": JAM}, headers=headers), 422, "item_id"
    )
    problem(await client.get(f"/catalog/{JAM}"), 404, "item_id")


async def test_catalog_health_schema_cors_routing_and_faults(
    client: AsyncTestClient, db: Database
) -> None:
    listed = (await client.get("/catalog")).json()
    assert {HONEY, "ticket:winter-fair-2026:adult"} <= {i["id"] for i in listed}
    tickets = (await client.get("/catalog", params={"kind": "ticket"})).json()
    assert {t["kind"] for t in tickets} == {"ticket"}
    jam = (await client.get(f"/catalog/{JAM}")).json()
    assert (jam["available"], jam["in_stock"], jam["price_minor"]) == (3, True, 425)
    bread = (await client.get(f"/catalog/{BREAD}")).json()
    assert (bread["available"], bread["in_stock"]) == (None, True)

    assert (await client.get("/health")).json() == {"status": "ok"}
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in (
        "/cart",
        "/cart/items",
        "/cart/items/{item_id}",
        "/catalog",
        "/checkout",
        "/checkout/return/{order_token}",
        "/orders",
        "/orders/{order_token}",
        "/orders/{order_token}/cancel",
        "/tickets/{code}",
        "/bookings",
        "/webhooks/sumup",
        "/health",
    ):
        assert path in paths, path
    checkout = paths["/checkout"]["post"]
    assert {"400", "404", "409", "422", "502", "503"} <= set(checkout["responses"])
    assert "application/problem+json" in checkout["responses"]["409"]["content"]
    assert any(p["name"] == "Idempotency-Key" for p in checkout["parameters"])

    preflight = await client.options(
        "/cart/items",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-cart-token,idempotency-key",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == SITE
    assert preflight.headers["access-control-allow-credentials"] == "true"
    evil = await client.options(
        "/cart/items",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert evil.headers.get("access-control-allow-origin") != "https://evil.example"

    missing = await client.get("/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    wrong = await client.patch("/health")
    assert wrong.status_code == 405
    assert wrong.headers["content-type"].startswith("application/problem+json")

    # A database fault under the running app: 500 problem, nothing leaked. (The catalogue
    # is served from memory, so the fault shows on a cart.)
    token = await new_cart(client, JAM)
    async with db.engine.begin() as conn:  # break the schema under the running app
        await conn.execute(text("ALTER TABLE cart_lines RENAME TO cart_lines_gone"))
    response = await client.get("/cart", headers={"X-Cart-Token": token})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["title"] == "Internal error"
    assert "Traceback" not in response.text and "cart_lines" not in response.text
    assert (await client.get("/health")).status_code == 200  # touches no database
