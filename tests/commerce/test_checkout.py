"""Checkout over HTTP (in-process app) with the real SumUp client talking to the fake SumUp
process: idempotency, confirmation by webhook (both envelopes) and by the shopper's return,
replays, declines, SumUp faults, cancellation and stock accounting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from commerce_api.app import create_app
from commerce_api.db import Database
from commerce_api.fake_sumup import FakeSumUpProcess
from tests.commerce.conftest import make_settings
from tests.commerce.shop import ADULT, BREAD, FREE_TALK, HONEY, JAM, Shopper, checkout_id


@pytest.fixture
async def shopper(
    db: Database, database_url: str, fake_sumup: FakeSumUpProcess
) -> AsyncIterator[Shopper]:
    """The app in-process; its own SumUp client talks HTTP to the fake SumUp process."""
    settings = make_settings(database_url, fake_sumup.url)
    async with AsyncTestClient(create_app(settings)) as client:
        yield Shopper(client)


def at_fake(fake: FakeSumUpProcess, reference: str) -> list[dict[str, Any]]:
    return [c for c in fake.checkouts() if c["checkout_reference"] == reference]


async def test_paid_by_webhook_once_however_often_it_comes(
    shopper: Shopper, fake_sumup: FakeSumUpProcess
) -> None:
    cart = await shopper.cart((HONEY, 2), (BREAD, 1), (ADULT, 2))
    response = await shopper.checkout(cart, email="ann@example.org")
    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["state"], order["total_minor"], order["currency"]) == ("pending", 2680, "GBP")
    assert order["hosted_checkout_url"].startswith(fake_sumup.url)
    assert (await shopper.available(HONEY), await shopper.available(ADULT)) == (22, 118)
    emptied = await shopper.client.get("/cart", headers={"X-Cart-Token": cart})
    assert emptied.json()["item_count"] == 0

    sent = fake_sumup.checkout(checkout_id(order))
    assert str(sent["amount"]) == "26.80"  # minor units became a decimal only at the boundary
    assert sent["checkout_reference"] == order["reference"]
    assert sent["return_url"].endswith("/webhooks/sumup")
    assert sent["redirect_url"].endswith(f"/checkout/return/{order['token']}")

    fake_sumup.pay(checkout_id(order))
    for envelope in ("old", "new", "old"):  # SumUp retries; both envelopes are understood
        ack = await shopper.webhook(checkout_id(order), envelope=envelope)
        assert (ack.status_code, ack.json()) == (200, {"status": "accepted"})
    paid = await shopper.order(order["token"])
    assert paid["state"] == "paid" and paid["paid_at"] and paid["hosted_checkout_url"] is None
    assert paid["lines"] == order["lines"]  # the 201 answer showed what was stored
    assert len(order["lines"]) == 3
    assert len(paid["tickets"]) == 2  # issued once, not once per webhook
    assert len({t["code"] for t in paid["tickets"]}) == 2
    assert (await shopper.available(HONEY), await shopper.available(ADULT)) == (22, 118)


async def test_idempotency_and_required_headers(
    shopper: Shopper, fake_sumup: FakeSumUpProcess
) -> None:
    cart = await shopper.cart((JAM, 1))
    missing = await shopper.client.post("/checkout", headers={"X-Cart-Token": cart})
    assert (missing.status_code, missing.json()["field"]) == (400, "Idempotency-Key")
    shopper.client.cookies.clear()  # neither header nor cookie
    no_cart = await shopper.client.post("/checkout", headers={"Idempotency-Key": "k"})
    assert (no_cart.status_code, no_cart.json()["field"]) == (400, "X-Cart-Token")
    bad_email = await shopper.checkout(cart, email="not an email")
    assert (bad_email.status_code, bad_email.json()["field"]) == (422, "email")
    assert await shopper.available(JAM) == 3  # refused checkouts reserve nothing

    first = await shopper.checkout(cart, key="attempt-1")
    again = await shopper.checkout(cart, key="attempt-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["token"] == first.json()["token"]
    assert len(at_fake(fake_sumup, first.json()["reference"])) == 1
    assert await shopper.available(JAM) == 2
    other = await shopper.checkout(cart, key="attempt-2")
    assert (other.status_code, other.json()["field"]) == (422, "cart")


async def test_webhook_is_only_a_hint_and_return_confirms(
    shopper: Shopper, fake_sumup: FakeSumUpProcess
) -> None:
    ignored = await shopper.client.post(
        "/webhooks/sumup", json={"event_type": "PAYOUT_CREATED", "id": "x"}
    )
    assert (ignored.status_code, ignored.json()) == (200, {"status": "ignored"})
    odd_id = await shopper.client.post(
        "/webhooks/sumup", json={"event_type": "CHECKOUT_STATUS_CHANGED", "id": "../../etc"}
    )
    assert odd_id.json() == {"status": "ignored"}
    assert (await shopper.webhook("no-such-checkout")).status_code == 200
    malformed = await shopper.client.post(
        "/webhooks/sumup", content=b"{", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400

    cart = await shopper.cart((HONEY, 1))
    order = (await shopper.checkout(cart)).json()
    # Nobody paid: a forged "PAID" notice only makes us ask SumUp, which says PENDING.
    assert (await shopper.webhook(checkout_id(order), envelope="new")).status_code == 200
    assert (await shopper.order(order["token"]))["state"] == "pending"

    fake_sumup.pay(checkout_id(order))  # its webhook cannot reach the in-process app
    back = await shopper.client.get(f"/checkout/return/{order['token']}", follow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"] == (
        f"https://rose-ash.example.coop/order/?order={order['token']}"
    )
    assert (await shopper.order(order["token"]))["state"] == "paid"
    missing = await shopper.client.get("/checkout/return/" + "B" * 43, follow_redirects=False)
    assert missing.status_code == 404


async def test_declines_and_cancels_release_stock(
    shopper: Shopper, fake_sumup: FakeSumUpProcess
) -> None:
    declined = (await shopper.checkout(await shopper.cart((JAM, 3)))).json()
    assert await shopper.available(JAM) == 0
    fake_sumup.decline(checkout_id(declined))
    await shopper.webhook(checkout_id(declined))
    assert (await shopper.order(declined["token"]))["state"] == "failed"
    assert await shopper.available(JAM) == 3

    dropped = (await shopper.checkout(await shopper.cart((JAM, 2)))).json()
    cancelled = await shopper.client.post(f"/orders/{dropped['token']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert await shopper.available(JAM) == 3
    assert fake_sumup.checkout(checkout_id(dropped))["status"] == "EXPIRED"  # cannot be paid
    assert (await shopper.client.post(f"/orders/{dropped['token']}/cancel")).status_code == 409

    paid = (await shopper.checkout(await shopper.cart((JAM, 1)))).json()
    fake_sumup.pay(checkout_id(paid))  # paid, but no webhook reached us yet
    refused = await shopper.client.post(f"/orders/{paid['token']}/cancel")
    assert refused.status_code == 409
    assert (await shopper.order(paid["token"]))["state"] == "paid"
    assert await shopper.available(JAM) == 2


async def test_sumup_down_gives_503_and_a_retry_completes_once(
    shopper: Shopper, fake_sumup: FakeSumUpProcess
) -> None:
    cart = await shopper.cart((HONEY, 1))
    fake_sumup.set_fault("error500", count=10)
    down = await shopper.checkout(cart, key="k1")
    assert down.status_code == 503
    assert down.headers["content-type"].startswith("application/problem+json")
    assert "Traceback" not in down.text
    problem = down.json()
    assert (await shopper.order(problem["order_token"]))["state"] == "pending"  # kept

    fake_sumup.set_fault("none", count=0)
    retry = await shopper.checkout(cart, key="k1")
    assert retry.status_code == 200
    assert retry.json()["token"] == problem["order_token"]
    assert retry.json()["hosted_checkout_url"]
    assert len(at_fake(fake_sumup, retry.json()["reference"])) == 1
    assert await shopper.available(HONEY) == 23


async def test_lost_sumup_answer_is_recovered_not_duplicated(
    db: Database, database_url: str, fake_sumup: FakeSumUpProcess
) -> None:
    """SumUp creates the checkout but we time out before its answer: the retry's 409 is
    recovered by reference, so the shopper still has exactly one checkout."""
    settings = make_settings(database_url, fake_sumup.url, sumup_timeout_seconds=0.3)
    async with AsyncTestClient(create_app(settings)) as client:
        shopper = Shopper(client)
        cart = await shopper.cart((HONEY, 1))
        fake_sumup.set_fault("timeout", count=1, delay_seconds=0.6)
        timed_out = await shopper.checkout(cart, key="slow")
        assert timed_out.status_code == 503
        reference = timed_out.json()["order_reference"]
        retry = await shopper.checkout(cart, key="slow")
        assert retry.status_code == 200, retry.text
        [only] = at_fake(fake_sumup, reference)
        assert retry.json()["hosted_checkout_url"] == only["hosted_checkout_url"]


async def test_stock_free_tickets_and_order_tokens(
    shopper: Shopper, fake_sumup: FakeSumUpProcess
) -> None:
    first = await shopper.cart((JAM, 2))
    second = await shopper.cart((JAM, 2), (HONEY, 1))
    assert (await shopper.checkout(first)).status_code == 201
    refused = await shopper.checkout(second)
    assert refused.status_code == 409
    assert (refused.json()["field"], refused.json()["item_id"]) == ("quantity", JAM)
    kept = (await shopper.client.get("/cart", headers={"X-Cart-Token": second})).json()
    assert kept["item_count"] == 3
    assert await shopper.available(HONEY) == 24  # nothing half-reserved

    free = await shopper.checkout(await shopper.cart((FREE_TALK, 2)))
    assert free.status_code == 201
    order = free.json()
    assert (order["state"], order["total_minor"], order["hosted_checkout_url"]) == ("paid", 0, None)
    assert len(order["tickets"]) == 2
    assert at_fake(fake_sumup, order["reference"]) == []
    door = (await shopper.client.get(f"/tickets/{order['tickets'][0]['code']}")).json()
    assert (door["valid"], door["event_id"]) == (True, "event:orchard-talk")
    full = await shopper.client.post(
        "/bookings", json={"item_id": FREE_TALK, "email": "al@example.org"}
    )
    assert (full.status_code, full.json()["field"]) == (409, "quantity")

    malformed = await shopper.client.get("/orders/<x>")
    assert (malformed.status_code, malformed.json()["field"]) == (400, "token")
    unknown = await shopper.client.get("/orders/" + "C" * 43)
    assert (unknown.status_code, unknown.json()["field"]) == (404, "token")
    assert (await shopper.client.get("/tickets/" + "D" * 22)).status_code == 404
    assert (await shopper.client.get("/orders")).status_code == 401


async def test_serve_sweeps_stale_reservations_periodically(
    db: Database, database_url: str, fake_sumup: FakeSumUpProcess
) -> None:
    """With ``sweep=True`` (what ``serve`` uses) the app expires stale orders by itself."""
    settings = make_settings(
        database_url, fake_sumup.url, reservation_minutes=0, expiry_sweep_seconds=1
    )
    async with AsyncTestClient(create_app(settings, sweep=True)) as client:
        shopper = Shopper(client)
        order = (await shopper.checkout(await shopper.cart((JAM, 3)))).json()
        assert order["state"] == "pending"
        state = order["state"]
        for _ in range(200):  # wait for the background sweep, however slow the machine
            state = (await shopper.order(order["token"]))["state"]
            if state != "pending":
                break
            await asyncio.sleep(0.1)
        assert state == "expired"
        assert await shopper.available(JAM) == 3
