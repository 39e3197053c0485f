"""Order lifecycle through the domain functions (no HTTP layer), with the real SumUp client
talking to the fake SumUp process: expiry sweep, late payments, refunds, tickets, bookings."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Item, Order
from commerce_api.domain.cart import add_item
from commerce_api.domain.checkout import place_order, start_payment
from commerce_api.domain.orders import (
    confirm_checkout,
    expire_stale_orders,
    fulfil_order,
    list_refunds,
    member_orders,
    order_view,
    refund_order,
    retry_due_refunds,
)
from commerce_api.domain.tickets import book_free, check_ticket
from commerce_api.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    OutOfStock,
    PaymentProviderError,
    PaymentUnavailable,
)
from commerce_api.fake_sumup import FakeSumUpProcess
from commerce_api.payments import Payments
from commerce_api.settings import Settings
from tests.commerce.conftest import make_settings
from tests.commerce.shop import ADULT, FREE_TALK, HONEY, JAM


@pytest.fixture
def shop_settings(database_url: str, fake_sumup: FakeSumUpProcess) -> Settings:
    return make_settings(database_url, fake_sumup.url)


async def available(db: Database, item_id: str) -> int | None:
    async with db.sessions() as session:
        return await session.scalar(select(Item.available).where(Item.id == item_id))


async def buy(
    db: Database, payments: Payments, settings: Settings, *lines: tuple[str, int]
) -> Order:
    token = None
    for item_id, quantity in lines:
        token = (await add_item(db, token, item_id, quantity)).token
    assert token is not None
    order, created = await place_order(db, settings, token, uuid.uuid4().hex)
    assert created
    return await start_payment(db, payments, settings, order)


LATER = timedelta(hours=1)


async def paid_too_late(
    db: Database, payments: Payments, settings: Settings, fake_sumup: FakeSumUpProcess
) -> Order:
    """An order for every jar that expired (SumUp unreachable), whose jars someone else
    reserved, and which the shopper then paid anyway: a refund is owed."""
    late = await buy(db, payments, settings, (JAM, 3))
    fake_sumup.set_fault("error500", count=10)
    await expire_stale_orders(db, payments, settings, now=utcnow() + LATER)
    fake_sumup.set_fault("none", count=0)
    other = await buy(db, payments, settings, (JAM, 3))  # someone else took it
    assert other.state == "pending"
    fake_sumup.pay(str(late.sumup_checkout_id))
    settled = await confirm_checkout(db, payments, str(late.sumup_checkout_id))
    assert settled is not None and settled.state == "expired"
    return late


async def test_expiry_releases_stock_unless_sumup_says_paid(
    db: Database, sumup_payments: Payments, shop_settings: Settings, fake_sumup: FakeSumUpProcess
) -> None:
    order = await buy(db, sumup_payments, shop_settings, (JAM, 2))
    assert await available(db, JAM) == 1
    assert await expire_stale_orders(db, sumup_payments, shop_settings) == 0  # not yet due
    expired = await expire_stale_orders(db, sumup_payments, shop_settings, now=utcnow() + LATER)
    assert expired == 1
    assert (await order_view(db, order.token)).state == "expired"
    assert await available(db, JAM) == 3
    # The hosted checkout is deactivated, so the shopper cannot pay for released stock.
    assert fake_sumup.checkout(str(order.sumup_checkout_id))["status"] == "EXPIRED"
    # A second sweep finds nothing to do.
    assert await expire_stale_orders(db, sumup_payments, shop_settings, now=utcnow() + LATER) == 0
    assert await available(db, JAM) == 3

    order = await buy(db, sumup_payments, shop_settings, (JAM, 1))
    fake_sumup.pay(str(order.sumup_checkout_id))  # webhook goes nowhere
    assert await expire_stale_orders(db, sumup_payments, shop_settings, now=utcnow() + LATER) == 0
    assert (await order_view(db, order.token)).state == "paid"
    assert await available(db, JAM) == 2


async def test_late_payments_are_kept_or_refunded(
    db: Database, sumup_payments: Payments, shop_settings: Settings, fake_sumup: FakeSumUpProcess
) -> None:
    order = await buy(db, sumup_payments, shop_settings, (ADULT, 2))
    fake_sumup.set_fault("error500", count=10)  # SumUp unreachable during the sweep
    assert await expire_stale_orders(db, sumup_payments, shop_settings, now=utcnow() + LATER) == 1
    fake_sumup.set_fault("none", count=0)
    assert await available(db, ADULT) == 120
    fake_sumup.pay(str(order.sumup_checkout_id))  # the shopper paid anyway
    settled = await confirm_checkout(db, sumup_payments, str(order.sumup_checkout_id))
    assert settled is not None and settled.state == "paid"
    assert await available(db, ADULT) == 118
    assert len((await order_view(db, order.token)).tickets) == 2

    late = await paid_too_late(db, sumup_payments, shop_settings, fake_sumup)
    assert (await order_view(db, late.token)).refund == "owed"  # recorded with the settlement
    again = await confirm_checkout(db, sumup_payments, str(late.sumup_checkout_id))  # replay
    assert again is not None and again.state == "expired"
    passed = await retry_due_refunds(db, sumup_payments)
    assert (passed.done, passed.still_owed, passed.failed) == (1, 0, 0)
    view = await order_view(db, late.token)
    assert (view.state, view.refund) == ("refunded", "done")
    assert fake_sumup.checkout(str(late.sumup_checkout_id))["refunded_amount"] == Decimal("12.75")
    assert (await retry_due_refunds(db, sumup_payments, force=True)).done == 0  # never twice
    assert await available(db, JAM) == 0  # never oversold


async def test_tickets_fulfilment_refunds_and_bookings(
    db: Database, sumup_payments: Payments, shop_settings: Settings, fake_sumup: FakeSumUpProcess
) -> None:
    order = await buy(db, sumup_payments, shop_settings, (ADULT, 2), (HONEY, 1))
    with pytest.raises(Conflict):
        await refund_order(db, sumup_payments, order.reference)  # not paid yet
    fake_sumup.pay(str(order.sumup_checkout_id))
    await confirm_checkout(db, sumup_payments, str(order.sumup_checkout_id))
    view = await order_view(db, order.token)
    assert len(view.tickets) == 2
    check = await check_ticket(db, view.tickets[0].code)
    assert (check.valid, check.event_id, check.ticket_type_id) == (
        True,
        "event:winter-fair-2026",
        ADULT,
    )
    assert check.order_reference == order.reference

    fake_sumup.set_fault("error500", count=1)  # SumUp down: the refund stays owed
    with pytest.raises(PaymentUnavailable):
        await refund_order(db, sumup_payments, order.reference)
    assert (await order_view(db, order.token)).refund == "owed"
    assert (await check_ticket(db, view.tickets[0].code)).valid  # not refunded yet
    refunded = await refund_order(db, sumup_payments, order.reference)  # the admin retries
    assert refunded.state == "refunded"
    assert fake_sumup.checkout(str(order.sumup_checkout_id))["refunded_amount"] is not None
    after = await check_ticket(db, view.tickets[0].code)
    assert (after.valid, after.state) == (False, "void")
    assert await available(db, ADULT) == 120  # places back on sale
    with pytest.raises(Conflict):
        await refund_order(db, sumup_payments, order.reference)  # never twice

    order = await buy(db, sumup_payments, shop_settings, (HONEY, 1))
    with pytest.raises(Conflict):
        await fulfil_order(db, order.reference)
    fake_sumup.pay(str(order.sumup_checkout_id))
    await confirm_checkout(db, sumup_payments, str(order.sumup_checkout_id))
    assert (await fulfil_order(db, order.token)).state == "fulfilled"
    with pytest.raises(NotFound):
        await fulfil_order(db, "RA-NOPE")

    booked, _ = await book_free(db, FREE_TALK, 2, email="bo@example.org")
    assert (booked.state, booked.total_minor) == ("paid", 0)
    view = await order_view(db, booked.token)
    assert len(view.tickets) == 2
    assert (await check_ticket(db, view.tickets[1].code)).valid
    with pytest.raises(OutOfStock):
        await book_free(db, FREE_TALK, 1, email="al@example.org")  # capacity 2
    with pytest.raises(InvalidInput) as not_free:
        await book_free(db, ADULT, 1, email="al@example.org")
    assert not_free.value.field == "item_id"
    with pytest.raises(InvalidInput) as zero:
        await book_free(db, FREE_TALK, 0)
    assert zero.value.field == "quantity"


async def test_a_members_orders_are_theirs_alone(db: Database, settings: Settings) -> None:
    mine = []
    for item_id in (HONEY, JAM):
        cart = (await add_item(db, None, item_id, 1)).token
        order, _ = await place_order(db, settings, cart, "k", member_id="member-1")
        mine.append(order.reference)
    anonymous = (await add_item(db, None, HONEY, 1)).token
    await place_order(db, settings, anonymous, "k")
    booked, _ = await book_free(db, FREE_TALK, 1, member_id="member-2")

    listed = await member_orders(db, "member-1")
    assert [o.reference for o in listed] == mine[::-1]  # newest first
    assert [o.reference for o in await member_orders(db, "member-2")] == [booked.reference]
    assert await member_orders(db, "nobody") == []


async def test_an_owed_refund_is_sent_by_one_pass_at_a_time(
    db: Database,
    database_url: str,
    sumup_payments: Payments,
    shop_settings: Settings,
    fake_sumup: FakeSumUpProcess,
) -> None:
    late = await paid_too_late(db, sumup_payments, shop_settings, fake_sumup)
    # Without SumUp configured a pass sends nothing and spends no attempt.
    idle = await retry_due_refunds(db, Payments(None))
    assert (idle.done, idle.still_owed) == (0, 1)

    # SumUp is slow to answer; a forced pass on a second engine runs meanwhile.
    fake_sumup.set_fault("timeout", count=1, delay_seconds=1)
    other = Database(database_url)
    try:
        passes = await asyncio.gather(
            retry_due_refunds(db, sumup_payments, force=True),
            retry_due_refunds(other, sumup_payments, force=True),
        )
    finally:
        await other.dispose()
    assert sorted(p.done for p in passes) == [0, 1]
    (refund, reference), *_ = await list_refunds(db)
    assert (reference, refund.state, refund.attempts) == (late.reference, "done", 1)
    assert (await order_view(db, late.token)).state == "refunded"


async def test_a_payment_for_another_sum_fails_the_order_and_is_refunded(
    db: Database, sumup_payments: Payments, shop_settings: Settings, fake_sumup: FakeSumUpProcess
) -> None:
    """Someone opened a checkout under our order's reference for another sum and paid it: the
    order is never confirmed, its stock goes back, and the money is owed back (not stuck)."""
    cart = (await add_item(db, None, JAM, 2)).token
    order, _ = await place_order(db, shop_settings, cart, "k")
    foreign = await sumup_payments.client.create_checkout(
        order.reference, 100, "GBP", "not ours", None, None
    )
    with pytest.raises(PaymentProviderError):  # SumUp refuses our checkout: reference taken
        await start_payment(db, sumup_payments, shop_settings, order)
    fake_sumup.pay(foreign.id)
    assert await expire_stale_orders(db, sumup_payments, shop_settings, now=utcnow() + LATER) == 0
    view = await order_view(db, order.token)
    assert (view.state, view.refund) == ("failed", "owed")
    assert await available(db, JAM) == 3
    assert (await retry_due_refunds(db, sumup_payments)).done == 1
    assert fake_sumup.checkout(foreign.id)["refunded_amount"] == Decimal("1.00")
    assert (await order_view(db, order.token)).state == "refunded"
