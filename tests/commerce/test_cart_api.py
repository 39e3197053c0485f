"""Cart over HTTP (in-process app): totals come from the catalogue, and every bad input is a
4xx problem+json body naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

HONEY = "product:wildflower-honey"
JAM = "product:plum-jam"
BREAD = "product:sourdough"


def problem(response: Any, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["field"] == field, body
    assert "Traceback" not in response.text
    return body


async def new_cart(client: AsyncTestClient, item_id: str = HONEY, quantity: int = 1) -> str:
    response = await client.post("/cart/items", json={"item_id": item_id, "quantity": quantity})
    assert response.status_code == 201, response.text
    return response.json()["token"]


async def test_add_view_change_remove_with_server_totals(client: AsyncTestClient) -> None:
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
    again = await client.post("/cart/items", json={"item_id": HONEY}, headers=headers)
    assert [(x["item_id"], x["quantity"]) for x in again.json()["lines"]] == [
        (HONEY, 3),
        (BREAD, 3),
    ]

    changed = await client.put(f"/cart/items/{BREAD}", json={"quantity": 1}, headers=headers)
    assert changed.json()["total_minor"] == 3 * 650 + 380
    removed = await client.delete(f"/cart/items/{HONEY}", headers=headers)
    assert removed.status_code == 200
    viewed = await client.get("/cart", headers=headers)
    assert viewed.json()["lines"][0]["item_id"] == BREAD
    assert (
        viewed.json()["total_minor"],
        viewed.json()["item_count"],
        viewed.json()["currency"],
    ) == (
        380,
        1,
        "GBP",
    )


async def test_cookie_carries_the_cart_too(client: AsyncTestClient) -> None:
    await new_cart(client)  # the test client keeps the ra_cart cookie, like a browser
    response = await client.post("/cart/items", json={"item_id": JAM})
    assert response.status_code == 200
    assert response.json()["item_count"] == 2


async def test_empty_cart_without_token(client: AsyncTestClient) -> None:
    response = await client.get("/cart")
    assert response.status_code == 200
    assert response.json() == {
        "token": None,
        "currency": None,
        "lines": [],
        "total_minor": 0,
        "item_count": 0,
    }


async def test_unknown_product_is_422_naming_item_id(client: AsyncTestClient) -> None:
    response = await client.post("/cart/items", json={"item_id": "product:unicorn", "quantity": 1})
    problem(response, 422, "item_id")


@pytest.mark.parametrize("quantity", [0, -3, 101])
async def test_quantity_out_of_range_is_422(client: AsyncTestClient, quantity: int) -> None:
    response = await client.post("/cart/items", json={"item_id": HONEY, "quantity": quantity})
    problem(response, 422, "quantity")


@pytest.mark.parametrize("quantity", ["two", 1.5, None, True])
async def test_quantity_not_an_integer_names_quantity(
    client: AsyncTestClient, quantity: Any
) -> None:
    response = await client.post("/cart/items", json={"item_id": HONEY, "quantity": quantity})
    assert response.status_code in (400, 422)
    problem(response, response.status_code, "quantity")


async def test_missing_item_id_names_it(client: AsyncTestClient) -> None:
    response = await client.post("/cart/items", json={"quantity": 1})
    assert response.json()["field"] == "item_id"
    assert 400 <= response.status_code < 500


async def test_beyond_stock_is_409_naming_quantity(client: AsyncTestClient) -> None:
    response = await client.post("/cart/items", json={"item_id": JAM, "quantity": 4})
    body = problem(response, 409, "quantity")
    assert body["available"] == 3
    token = await new_cart(client, JAM, 3)
    response = await client.post(
        "/cart/items", json={"item_id": JAM}, headers={"X-Cart-Token": token}
    )
    problem(response, 409, "quantity")


async def test_mixed_currencies_are_refused(client: AsyncTestClient, db) -> None:  # type: ignore[no-untyped-def]
    from commerce_api.domain.catalog import parse_catalog, sync_catalog
    from tests.commerce import catalogs

    data = catalogs.sample()
    data["items"].append(catalogs.product("euro-cheese", price=900, currency="EUR"))
    await sync_catalog(db, parse_catalog(data))
    token = await new_cart(client)
    response = await client.post(
        "/cart/items", json={"item_id": "product:euro-cheese"}, headers={"X-Cart-Token": token}
    )
    problem(response, 422, "item_id")


async def test_malformed_json_is_400(client: AsyncTestClient) -> None:
    response = await client.post(
        "/cart/items", content=b'{"item_id": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == "body"


async def test_oversized_body_is_413(client: AsyncTestClient) -> None:
    response = await client.post(
        "/cart/items",
        content=b'{"item_id": "' + b"x" * 200_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    problem(response, 413, "body")


async def test_bad_and_unknown_tokens(client: AsyncTestClient) -> None:
    problem(await client.get("/cart", headers={"X-Cart-Token": "<script>"}), 400, "X-Cart-Token")
    unknown = "A" * 43
    problem(await client.get("/cart", headers={"X-Cart-Token": unknown}), 404, "X-Cart-Token")
    problem(await client.put(f"/cart/items/{HONEY}", json={"quantity": 1}), 400, "X-Cart-Token")


async def test_change_or_remove_a_line_not_in_cart(client: AsyncTestClient) -> None:
    token = await new_cart(client)
    headers = {"X-Cart-Token": token}
    problem(
        await client.put(f"/cart/items/{JAM}", json={"quantity": 1}, headers=headers),
        404,
        "item_id",
    )
    problem(await client.delete(f"/cart/items/{JAM}", headers=headers), 404, "item_id")


async def test_withdrawn_item_shows_unavailable(client: AsyncTestClient, db) -> None:  # type: ignore[no-untyped-def]
    from commerce_api.domain.catalog import parse_catalog, sync_catalog
    from tests.commerce import catalogs

    token = await new_cart(client, JAM)
    data = catalogs.sample()
    data["items"] = [i for i in data["items"] if i["id"] != JAM]
    await sync_catalog(db, parse_catalog(data))
    view = (await client.get("/cart", headers={"X-Cart-Token": token})).json()
    assert view["lines"][0]["available"] is False
    response = await client.post(
        "/cart/items", json={"item_id": JAM}, headers={"X-Cart-Token": token}
    )
    problem(response, 422, "item_id")


async def test_catalog_lists_live_stock(client: AsyncTestClient) -> None:
    listed = (await client.get("/catalog")).json()
    ids = [i["id"] for i in listed]
    assert HONEY in ids and "ticket:winter-fair-2026:adult" in ids
    tickets = (await client.get("/catalog", params={"kind": "ticket"})).json()
    assert {t["kind"] for t in tickets} == {"ticket"}
    jam = (await client.get(f"/catalog/{JAM}")).json()
    assert (jam["available"], jam["in_stock"], jam["price_minor"]) == (3, True, 425)
    problem(await client.get("/catalog/product:unicorn"), 404, "item_id")


async def test_health_and_openapi(client: AsyncTestClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    for path in (
        "/cart",
        "/cart/items",
        "/checkout",
        "/orders/{order_token}",
        "/tickets/{code}",
        "/bookings",
        "/webhooks/sumup",
        "/health",
    ):
        assert path in paths, path
    checkout = paths["/checkout"]["post"]
    assert {"409", "422", "503"} <= set(checkout["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in checkout["parameters"])


async def test_cors_allows_the_site_with_credentials(client: AsyncTestClient) -> None:
    response = await client.options(
        "/cart/items",
        headers={
            "Origin": "https://rose-ash.example.coop",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-cart-token,idempotency-key",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "https://rose-ash.example.coop"
    assert response.headers["access-control-allow-credentials"] == "true"
    other = await client.options(
        "/cart/items",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert other.headers.get("access-control-allow-origin") != "https://evil.example"


async def test_unknown_route_and_method_are_problems(client: AsyncTestClient) -> None:
    missing = await client.get("/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    wrong = await client.patch("/health")
    assert wrong.status_code == 405
    assert wrong.headers["content-type"].startswith("application/problem+json")
