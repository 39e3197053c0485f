"""The shopper's journey after paying or not (issue 11 items 1, 2 and 4), in-process with the
real SumUp client against the fake SumUp process, on SQLite and PostgreSQL:

1. a paid order queues its receipt (reference, lines, total, ticket codes, the order page) in
   the transaction that makes it paid; a cancellation or refund sends a short notice;
2. a declined, expired or cancelled payment gives the lines back to the same cart, and the
   receipt page's "Try again" checks them out anew;
4. free places need an email address, are limited per booking and per address and event,
   are confirmed by email with their codes and a cancel link that works.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from commerce_api.app import create_app
from commerce_api.db import Database
from commerce_api.db.models import OutboxMessage
from commerce_api.fake_sumup import FakeSumUpProcess
from tests.commerce.conftest import make_settings
from tests.commerce.shop import ADULT, FREE_TALK, HONEY, JAM, Shopper, checkout_id

SITE = "https://rose-ash.example.coop"


@pytest.fixture
async def shopper(
    db: Database, database_url: str, fake_sumup: FakeSumUpProcess
) -> AsyncIterator[Shopper]:
    settings = make_settings(database_url, fake_sumup.url, booking_max_places=3)
    async with AsyncTestClient(create_app(settings)) as client:
        yield Shopper(client)


async def mail_to(db: Database, to: str) -> list[OutboxMessage]:
    async with db.reading() as session:
        found = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == to).order_by(OutboxMessage.id)
        )
        return list(found)


async def lines_of(shopper: Shopper, cart: str) -> list[tuple[str, int]]:
    view = (await shopper.client.get("/cart", headers={"X-Cart-Token": cart})).json()
    return sorted((line["item_id"], line["quantity"]) for line in view["lines"])


async def test_paid_order_emails_its_receipt_and_a_refund_its_notice(
    shopper: Shopper, fake_sumup: FakeSumUpProcess, db: Database
) -> None:
    cart = await shopper.cart((HONEY, 2), (ADULT, 2))
    order = (await shopper.checkout(cart, email="ann@example.org")).json()
    assert await mail_to(db, "ann@example.org") == []  # nothing before it is paid
    fake_sumup.pay(checkout_id(order))
    await shopper.webhook(checkout_id(order))
    await shopper.webhook(checkout_id(order))  # a retry mails nothing more
    paid = await shopper.order(order["token"])
    (receipt,) = await mail_to(db, "ann@example.org")
    body = receipt.body_text
    assert order["reference"] in receipt.subject and order["reference"] in body
    assert "2 x Wildflower honey: £13.00" in body
    assert "Total: £23.00" in body
    assert all(ticket["code"] in body for ticket in paid["tickets"]) and len(paid["tickets"]) == 2
    assert f"{SITE}/order/?order={order['token']}" in body


async def test_a_declined_payment_gives_the_cart_back_and_try_again_pays(
    shopper: Shopper, fake_sumup: FakeSumUpProcess, db: Database
) -> None:
    cart = await shopper.cart((HONEY, 2), (JAM, 1))
    order = (await shopper.checkout(cart, email="bo@example.org")).json()
    assert await lines_of(shopper, cart) == []
    fake_sumup.decline(checkout_id(order))
    await shopper.webhook(checkout_id(order))
    assert (await shopper.order(order["token"]))["state"] == "failed"
    assert await lines_of(shopper, cart) == sorted([(HONEY, 2), (JAM, 1)])

    page = await shopper.client.get(f"/orders/{order['token']}/receipt")
    assert "Try again" in page.text and f"/orders/{order['token']}/retry" in page.text
    again = await shopper.client.post(
        f"/orders/{order['token']}/retry", headers={"Origin": SITE}, follow_redirects=False
    )
    assert again.status_code == 303, again.text
    assert again.headers["location"].startswith(fake_sumup.url + "/pay/")
    retried_id = again.headers["location"].rsplit("/", 1)[1]
    fake_sumup.pay(retried_id)
    await shopper.webhook(retried_id)
    assert await lines_of(shopper, cart) == []
    (receipt,) = await mail_to(db, "bo@example.org")  # the new order, same address
    assert "Total: £17.25" in receipt.body_text
    refused = await shopper.client.post(
        f"/orders/{order['token']}/retry", headers={"Origin": SITE}, follow_redirects=False
    )
    assert refused.status_code == 422 and "cart is empty" in refused.text  # they were paid


@pytest.mark.parametrize("how", ["expire", "cancel"])
async def test_an_expired_or_cancelled_payment_gives_the_cart_back(
    shopper: Shopper, fake_sumup: FakeSumUpProcess, db: Database, how: str
) -> None:
    cart = await shopper.cart((HONEY, 1))
    order = (await shopper.checkout(cart, email="cy@example.org")).json()
    if how == "expire":
        fake_sumup.expire(checkout_id(order))
        await shopper.webhook(checkout_id(order))
    else:
        cancelled = await shopper.client.post(f"/orders/{order['token']}/cancel")
        assert cancelled.status_code in (200, 201), cancelled.text
        (notice,) = await mail_to(db, "cy@example.org")
        assert "cancelled" in notice.subject and "Nothing was charged" in notice.body_text
    assert (await shopper.order(order["token"]))["state"] == (
        "expired" if how == "expire" else "cancelled"
    )
    assert await lines_of(shopper, cart) == [(HONEY, 1)]
    assert await shopper.available(HONEY) == 24


async def test_free_places_need_an_address_are_limited_and_cancel_by_the_emailed_link(
    shopper: Shopper, db: Database
) -> None:
    client = shopper.client
    anonymous = await client.post("/bookings", json={"item_id": FREE_TALK, "quantity": 1})
    assert (anonymous.status_code, anonymous.json()["field"]) == (422, "email")
    hoard = await client.post(
        "/bookings", json={"item_id": FREE_TALK, "quantity": 4, "email": "di@example.org"}
    )
    assert (hoard.status_code, hoard.json()["field"]) == (422, "quantity")

    booked = await client.post(
        "/bookings", json={"item_id": FREE_TALK, "quantity": 2, "email": "di@example.org"}
    )
    assert booked.status_code == 201, booked.text
    more = await client.post(
        "/bookings", json={"item_id": FREE_TALK, "quantity": 2, "email": "di@example.org"}
    )
    assert (more.status_code, more.json()["field"]) == (422, "quantity")  # 2 + 2 > 3

    (mail,) = await mail_to(db, "di@example.org")
    codes = [ticket["code"] for ticket in booked.json()["tickets"]]
    assert len(codes) == 2 and all(code in mail.body_text for code in codes)
    link = re.search(r"Cancel here and free your places: (\S+)", mail.body_text)
    assert link, mail.body_text
    path = link.group(1).removeprefix("http://127.0.0.1:9")
    page = await client.get(path)
    assert "Cancel this booking" in page.text
    done = await client.post(
        f"/orders/{booked.json()['token']}/cancel-booking",
        headers={"Origin": SITE},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert (await shopper.order(booked.json()["token"]))["state"] == "cancelled"
    notice = (await mail_to(db, "di@example.org"))[-1]
    assert "cancelled" in notice.subject
    assert await shopper.available(FREE_TALK) == 2  # the places are free again
    again = await client.post(
        "/bookings", json={"item_id": FREE_TALK, "quantity": 2, "email": "di@example.org"}
    )
    assert again.status_code == 201
