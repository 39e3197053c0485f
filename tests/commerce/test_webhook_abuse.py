"""``POST /webhooks/sumup`` is unauthenticated: whatever id it names, we only ask SumUp about
checkouts our orders have, and one address cannot send it more than SumUp would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from commerce_api.app import create_app
from commerce_api.db import Database
from commerce_api.domain.payments.controllers import WEBHOOK_REQUESTS_PER_MINUTE
from commerce_api.fake_sumup import FakeSumUpProcess
from tests.commerce.conftest import make_settings
from tests.commerce.shop import HONEY, Shopper, checkout_id


@pytest.fixture
async def shopper(
    db: Database, database_url: str, fake_sumup: FakeSumUpProcess
) -> AsyncIterator[Shopper]:
    settings = make_settings(database_url, fake_sumup.url)
    async with AsyncTestClient(create_app(settings)) as client:
        yield Shopper(client)


async def test_a_checkout_id_we_never_created_is_not_fetched_from_sumup(
    shopper: Shopper, fake_sumup: FakeSumUpProcess
) -> None:
    for forged in ("abc123", "0" * 36, "c0ffee-not-ours"):
        for envelope in ("old", "new"):
            assert (await shopper.webhook(forged, envelope=envelope)).status_code == 200
    assert [call for call in fake_sumup.api_calls() if call.startswith("GET")] == []

    # Ours is asked about (and settled), exactly as before.
    order = (await shopper.checkout(await shopper.cart((HONEY, 1)))).json()
    fake_sumup.pay(checkout_id(order))
    assert (await shopper.webhook(checkout_id(order))).status_code == 200
    assert f"GET /v0.1/checkouts/{checkout_id(order)}" in fake_sumup.api_calls()
    assert (await shopper.order(order["token"]))["state"] == "paid"


async def test_one_address_is_limited_to_what_sumup_would_send(shopper: Shopper) -> None:
    notice = {"event_type": "CHECKOUT_STATUS_CHANGED", "id": "abc123"}
    for _ in range(WEBHOOK_REQUESTS_PER_MINUTE):
        assert (await shopper.client.post("/webhooks/sumup", json=notice)).status_code == 200
    limited = await shopper.client.post("/webhooks/sumup", json=notice)
    assert limited.status_code == 429
    assert limited.headers["content-type"].startswith("application/problem+json")
    # Only the webhook is limited: the shop goes on answering this address.
    assert (await shopper.client.get("/catalog")).status_code == 200
