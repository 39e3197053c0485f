"""End to end over real HTTP: the API as ``python -m commerce_api serve`` and the fake SumUp as
separate processes on loopback ports; the shopper pays on the fake's hosted page, the fake
calls our webhook, and the browser comes back through our return endpoint."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Order
from commerce_api.fake_sumup import FakeSumUpProcess
from tests.commerce.api_process import SITE, ApiProcess, add, wait_for
from tests.commerce.shop import ADULT, HONEY, JAM


@pytest.fixture
def api(database_url: str, fake_sumup: FakeSumUpProcess, tmp_path: Path) -> Iterator[ApiProcess]:
    server = ApiProcess(database_url, fake_sumup.url, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_shopper_buys_and_pays_on_the_hosted_page(
    api: ApiProcess, fake_sumup: FakeSumUpProcess
) -> None:
    with httpx.Client(base_url=api.url, timeout=20) as browser:
        add(browser, HONEY, 2)
        add(browser, ADULT, 1)  # the cookie keeps it one cart
        placed = browser.post("/checkout", headers={"Idempotency-Key": uuid.uuid4().hex})
        assert placed.status_code == 201, placed.text
        order = placed.json()
        assert order["total_minor"] == 2 * 650 + 500

        page = httpx.get(order["hosted_checkout_url"], timeout=10)
        assert page.status_code == 200 and "<form" in page.text
        checkout_id = order["hosted_checkout_url"].rsplit("/", 1)[1]
        paid = httpx.post(
            order["hosted_checkout_url"], data={"action": "pay"}, follow_redirects=False
        )
        assert paid.status_code == 303
        assert paid.headers["location"] == f"{api.url}/checkout/return/{order['token']}"
        # SumUp's webhook reached our real server and was acknowledged.
        deliveries = fake_sumup.checkout(checkout_id)["webhook_deliveries"]
        assert deliveries and deliveries[0]["status"] == 200

        back = browser.get(paid.headers["location"], follow_redirects=False)
        assert back.status_code == 303
        assert back.headers["location"] == f"{SITE}/order/?order={order['token']}"
        final = browser.get(f"/orders/{order['token']}").json()
        assert final["state"] == "paid"
        assert len(final["tickets"]) == 1
        ticket = browser.get(f"/tickets/{final['tickets'][0]['code']}").json()
        assert ticket["valid"] is True

    # The administrator refunds it from the command line.
    refund = api.cli("refund", order["reference"])
    assert refund.returncode == 0, refund.stderr
    assert "refunded" in refund.stdout
    assert fake_sumup.checkout(checkout_id)["refunded_amount"] is not None
    again = api.cli("refund", order["reference"])
    assert again.returncode == 1 and "refunded" in again.stderr


def test_concurrent_shoppers_over_http_never_oversell(api: ApiProcess) -> None:
    async def race() -> list[int]:
        async with httpx.AsyncClient(base_url=api.url, timeout=60) as client:
            tokens = []
            for _ in range(16):  # sixteen shoppers, each with one jar in a cart of their own
                client.cookies.clear()
                cart = await client.post("/cart/items", json={"item_id": JAM, "quantity": 1})
                assert cart.status_code == 201, cart.text
                tokens.append(cart.json()["token"])
            client.cookies.clear()
            answers = await asyncio.gather(
                *(
                    client.post(
                        "/checkout",
                        headers={"X-Cart-Token": t, "Idempotency-Key": uuid.uuid4().hex},
                    )
                    for t in tokens
                )
            )
            return [a.status_code for a in answers]

    statuses = asyncio.run(race())
    assert sorted(statuses) == [201] * 3 + [409] * 13
    assert httpx.get(f"{api.url}/catalog/{JAM}").json()["available"] == 0


def test_restart_mid_checkout_loses_nothing(api: ApiProcess, fake_sumup: FakeSumUpProcess) -> None:
    with httpx.Client(base_url=api.url, timeout=20) as browser:
        add(browser, JAM, 2)
        fake_sumup.set_fault("error500", count=50)
        down = browser.post("/checkout", headers={"Idempotency-Key": "once"})
        assert down.status_code == 503
        token = down.json()["order_token"]

        api.stop()  # the server goes away with the order pending
        fake_sumup.set_fault("none", count=0)
        api.start()

        assert browser.get(f"/orders/{token}").json()["state"] == "pending"
        assert browser.get(f"/catalog/{JAM}").json()["available"] == 1  # still reserved
        retry = browser.post("/checkout", headers={"Idempotency-Key": "once"})
        assert retry.status_code == 200, retry.text
        assert retry.json()["token"] == token
        reference = retry.json()["reference"]
    assert [c["checkout_reference"] for c in fake_sumup.checkouts()].count(reference) == 1

    expire = api.cli("expire")
    assert expire.returncode == 0 and "expired 0 order(s)" in expire.stdout


def paid_after_cancelling(
    browser: httpx.Client, fake_sumup: FakeSumUpProcess
) -> tuple[dict[str, Any], str]:
    """A shopper cancels an order for every jar while SumUp is down (so its payment page stays
    open), someone else reserves the jars, then the first shopper pays on the open page."""
    browser.cookies.clear()  # a new cart (an unpaid order gives its lines back to its cart)
    add(browser, JAM, 3)
    late = browser.post("/checkout", headers={"Idempotency-Key": "late"}).json()
    fake_sumup.set_fault("error500", count=2)
    cancelled = browser.post(f"/orders/{late['token']}/cancel")
    assert cancelled.json()["state"] == "cancelled", cancelled.text
    fake_sumup.set_fault("none", count=0)
    browser.cookies.clear()
    add(browser, JAM, 3)
    assert browser.post("/checkout", headers={"Idempotency-Key": "b"}).status_code == 201
    browser.cookies.clear()
    checkout_id = late["hosted_checkout_url"].rsplit("/", 1)[1]
    fake_sumup.pay(checkout_id)  # SumUp calls our webhook...
    back = browser.get(f"/checkout/return/{late['token']}")  # ...and the shopper comes back
    assert back.status_code == 303
    return late, checkout_id


@pytest.fixture
def driven_api(
    database_url: str, fake_sumup: FakeSumUpProcess, tmp_path: Path
) -> Iterator[ApiProcess]:
    """The API without its periodic sweep (the test runs the refund pass itself) and with a
    short SumUp timeout, so a held SumUp call times out quickly."""
    server = ApiProcess(
        database_url,
        fake_sumup.url,
        tmp_path,
        EXPIRY_SWEEP_SECONDS="0",
        SUMUP_TIMEOUT_SECONDS="1.5",
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_late_payment_refund_survives_failures_and_is_sent_once(
    driven_api: ApiProcess, fake_sumup: FakeSumUpProcess
) -> None:
    api = driven_api
    with httpx.Client(base_url=api.url, timeout=20) as browser:
        late, checkout_id = paid_after_cancelling(browser, fake_sumup)
        owed = wait_for(
            lambda: (o := browser.get(f"/orders/{late['token']}").json())["refund"] and o,
            "the refund recorded",
        )
        assert (owed["state"], owed["refund"]) == ("cancelled", "owed")

        fake_sumup.set_fault("error500", count=1)  # the first attempt fails
        first = api.cli("refunds")
        assert "0 done, 1 still owed" in first.stdout, first.stdout + first.stderr
        assert "owed" in first.stdout and "attempts=1" in first.stdout
        assert fake_sumup.checkout(checkout_id)["refunded_amount"] == 0

        # SumUp takes the second attempt but answers after our timeout: we do not know.
        fake_sumup.set_fault("timeout", count=1, delay_seconds=3)
        second = api.cli("refunds", "--all")
        assert "1 still owed" in second.stdout and "attempts=2" in second.stdout, second.stdout
        wait_for(
            lambda: fake_sumup.checkout(checkout_id)["refunded_amount"] > 0, "the refund landing"
        )

        # The third attempt meets SumUp's 409, checks the checkout, and settles the book.
        third = api.cli("refunds", "--all")
        assert "1 done, 0 still owed, 0 need a person" in third.stdout, third.stdout
        final = browser.get(f"/orders/{late['token']}").json()
        assert (final["state"], final["refund"]) == ("refunded", "done")
    assert fake_sumup.checkout(checkout_id)["refunded_amount"] == Decimal("12.75")  # once
    assert browser_catalog(api, JAM) == 0  # the other shopper's jars stay theirs


async def _make_stale(database_url: str, order_token: str) -> None:
    """Let the reservation run out without waiting RESERVATION_MINUTES."""
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await session.execute(
                update(Order)
                .where(Order.token == order_token)
                .values(expires_at=utcnow() - timedelta(minutes=1))
            )
    finally:
        await db.dispose()


def test_serve_releases_stale_reservations_and_sends_refunds_by_itself(
    database_url: str, fake_sumup: FakeSumUpProcess, tmp_path: Path
) -> None:
    api = ApiProcess(
        database_url, fake_sumup.url, tmp_path, EXPIRY_SWEEP_SECONDS="1", REFUND_RETRY_SECONDS="1"
    )
    api.start()
    try:
        with httpx.Client(base_url=api.url, timeout=20) as browser:
            add(browser, JAM, 3)
            order = browser.post("/checkout", headers={"Idempotency-Key": "stale"}).json()
            assert browser_catalog(api, JAM) == 0
            asyncio.run(_make_stale(database_url, order["token"]))
            wait_for(
                lambda: browser.get(f"/orders/{order['token']}").json()["state"] == "expired",
                "the sweep expiring the order",
            )
            assert browser_catalog(api, JAM) == 3
            checkout_id = order["hosted_checkout_url"].rsplit("/", 1)[1]
            assert fake_sumup.checkout(checkout_id)["status"] == "EXPIRED"

            # The same sweep sends the refunds we owe.
            late, checkout_id = paid_after_cancelling(browser, fake_sumup)
            refunded = wait_for(
                lambda: (
                    (o := browser.get(f"/orders/{late['token']}").json())["refund"] == "done" and o
                ),
                "the sweep sending the refund",
            )
            assert refunded["state"] == "refunded"
        assert fake_sumup.checkout(checkout_id)["refunded_amount"] == Decimal("12.75")
    finally:
        api.stop()


def browser_catalog(api: ApiProcess, item_id: str) -> int | None:
    return httpx.get(f"{api.url}/catalog/{item_id}").json()["available"]
