"""A shopper's moves against the in-process app, for the checkout tests."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient

HONEY = "product:wildflower-honey"
JAM = "product:plum-jam"
BREAD = "product:sourdough"
ADULT = "ticket:winter-fair-2026:adult"
FREE_TALK = "ticket:orchard-talk:free"


class Shopper:
    def __init__(self, client: AsyncTestClient) -> None:
        self.client = client

    async def cart(self, *lines: tuple[str, int]) -> str:
        """A new cart (never the one in the cookie jar) holding ``lines``; returns its token."""
        self.client.cookies.clear()
        token: str | None = None
        for item_id, quantity in lines:
            headers = {"X-Cart-Token": token} if token else {}
            response = await self.client.post(
                "/cart/items", json={"item_id": item_id, "quantity": quantity}, headers=headers
            )
            assert response.status_code in (200, 201), response.text
            token = response.json()["token"]
        assert token is not None
        return token

    async def checkout(self, cart: str, key: str | None = None, **body: Any) -> Any:
        return await self.client.post(
            "/checkout",
            json=body or None,
            headers={"X-Cart-Token": cart, "Idempotency-Key": key or uuid.uuid4().hex},
        )

    async def order(self, token: str) -> dict[str, Any]:
        response = await self.client.get(f"/orders/{token}")
        assert response.status_code == 200, response.text
        return response.json()

    async def available(self, item_id: str) -> int | None:
        return (await self.client.get(f"/catalog/{item_id}")).json()["available"]

    async def webhook(self, checkout_id: str, *, envelope: str = "old") -> Any:
        if envelope == "old":
            body: dict[str, Any] = {"event_type": "CHECKOUT_STATUS_CHANGED", "id": checkout_id}
        else:
            body = {
                "id": uuid.uuid4().hex,
                "event_type": "checkout.status.updated",
                "payload": {"checkout_id": checkout_id, "reference": "x", "status": "PAID"},
                "timestamp": "2026-11-27T12:00:00Z",
            }
        return await self.client.post("/webhooks/sumup", json=body)


def checkout_id(order: dict[str, Any]) -> str:
    """The fake's hosted URL ends with the checkout id (``.../pay/<id>``)."""
    return str(order["hosted_checkout_url"]).rsplit("/", 1)[1]
