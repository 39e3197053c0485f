"""Another site cannot act with a shopper's cookies, and hostile bodies are 4xx problems.

Issue 11 items 6 (a ``text/plain`` post, which browsers send cross-site without a preflight,
filled a cart) and 7 (deeply nested JSON gave a 500 and a logged traceback).
"""

from __future__ import annotations

import logging
import re

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from tests.commerce.shop import HONEY, JAM

EVIL = "https://evil.example"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
DEEP = b'{"x":' + b"[" * 1000 + b"]" * 1000 + b"}"


def unsafe_routes(app: Litestar) -> list[tuple[str, str]]:
    """Every (method, path) of the app that changes state, path parameters filled in."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path = re.sub(r"\{[^}]+\}", "x", route.path)
        found += [(method, path) for method in sorted(route.methods) if method in UNSAFE]
    assert len(found) > 15, found
    return found


async def test_text_plain_from_another_site_cannot_fill_the_cart(
    client: AsyncTestClient,
) -> None:
    added = await client.post("/cart/items", json={"item_id": HONEY, "quantity": 1})
    assert added.status_code == 201
    assert "ra_cart" in client.cookies
    attack = await client.post(
        "/cart/items",
        content=b'{"item_id": "product:plum-jam", "quantity": 40}',
        headers={"Content-Type": "text/plain", "Origin": EVIL},
    )
    assert attack.status_code == 415
    assert attack.headers["content-type"].startswith("application/problem+json")
    json_attack = await client.post(
        "/cart/items", json={"item_id": JAM, "quantity": 40}, headers={"Origin": EVIL}
    )
    assert (json_attack.status_code, json_attack.json()["field"]) == (403, "Origin")
    cart = (await client.get("/cart/")).json()
    assert [(line["item_id"], line["quantity"]) for line in cart["lines"]] == [(HONEY, 1)]
    ours = await client.post(
        "/cart/items",
        json={"item_id": JAM, "quantity": 2},
        headers={"Origin": "https://rose-ash.example.coop"},
    )
    assert ours.status_code == 200
    assert len(ours.json()["lines"]) == 2


async def test_no_endpoint_acts_on_cookies_for_another_site(client: AsyncTestClient) -> None:
    await client.post("/cart/items", json={"item_id": HONEY, "quantity": 1})
    client.cookies.set("ra_session", "some-session")
    answers = {}
    for method, path in unsafe_routes(client.app):
        for content_type in ("text/plain", "application/json"):
            response = await client.request(
                method,
                path,
                content=b'{"item_id": "product:plum-jam", "quantity": 40}',
                headers={"Content-Type": content_type, "Origin": EVIL},
            )
            answers[(method, path, content_type)] = response.status_code
    wrong = {k: v for k, v in answers.items() if v not in (403, 415)}
    assert not wrong
    cart = (await client.get("/cart/")).json()
    assert [line["item_id"] for line in cart["lines"]] == [HONEY]


@pytest.mark.parametrize("path", ["/cart/items", "/webhooks/sumup", "/account/signin", "/bookings"])
async def test_deeply_nested_json_is_a_400_problem(
    client: AsyncTestClient, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = await client.post(
            path, content=DEEP, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == "body"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_no_endpoint_fails_on_deeply_nested_json(
    client: AsyncTestClient, caplog: pytest.LogCaptureFixture
) -> None:
    statuses = {}
    with caplog.at_level(logging.DEBUG):
        for method, path in unsafe_routes(client.app):
            response = await client.request(
                method, path, content=DEEP, headers={"Content-Type": "application/json"}
            )
            statuses[(method, path)] = response.status_code
    assert {k: v for k, v in statuses.items() if v >= 500} == {}
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
