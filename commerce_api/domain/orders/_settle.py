"""Payment confirmation: the one idempotent path the webhook, the shopper's return, and the
expiry sweep all use. It never trusts what a caller claims; it asks SumUp for the checkout and
applies that status with compare-and-set transitions, so any number of repeats is harmless.
"""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Order
from commerce_api.domain.cart import restore_lines
from commerce_api.domain.orders._lookup import order_by_checkout, order_by_id
from commerce_api.domain.orders._refunds import LATE_PAYMENT, WRONG_AMOUNT, owe_refund
from commerce_api.domain.orders._states import (
    CLOSED_UNPAID,
    EXPIRED,
    FAILED,
    PAID,
    PENDING,
    transition,
)
from commerce_api.domain.orders._stock import release, reserve
from commerce_api.domain.orders._tickets import issue_tickets
from commerce_api.errors import OutOfStock
from commerce_api.payments import Payments, translate_sumup_errors
from commerce_api.sumup import Checkout

__all__ = ["close_unpaid", "confirm_checkout", "refresh_order", "settle"]

log = logging.getLogger(__name__)


def held(order: Order) -> list[tuple[str, int]]:
    return [(line.item_id, line.quantity) for line in order.lines]


async def close_unpaid(session: AsyncSession, order: Order, to: str) -> bool:
    """Move a pending order to ``to`` (failed, expired, cancelled), give its stock back and
    its lines back to the shopper's cart; False if it was no longer pending."""
    if not await transition(session, order.id, (PENDING,), to, expires_at=None):
        return False
    await release(session, held(order))
    await restore_lines(session, order.cart_id, held(order))
    return True


async def _mark_paid(session: AsyncSession, order: Order, checkout: Checkout) -> bool:
    moved = await transition(
        session,
        order.id,
        (PENDING,),
        PAID,
        paid_at=utcnow(),
        expires_at=None,
        sumup_transaction_id=checkout.transaction_id,
    )
    if moved:
        issue_tickets(session, order)
    return moved


async def _late_payment(session: AsyncSession, order: Order, checkout: Checkout) -> bool:
    """Paid after we had released its stock: take the stock again if it is still there.
    Returns False when it is gone (the caller then refunds)."""
    try:
        async with session.begin_nested():
            if not await transition(
                session,
                order.id,
                CLOSED_UNPAID,
                PAID,
                paid_at=utcnow(),
                expires_at=None,
                sumup_transaction_id=checkout.transaction_id,
            ):
                return True  # someone else settled it meanwhile
            await reserve(session, held(order))
    except OutOfStock:
        return False
    issue_tickets(session, order)
    return True


async def settle(db: Database, payments: Payments, order_id: int, checkout: Checkout) -> Order:
    """Apply SumUp's view of ``checkout`` to the order; returns the order as it now stands."""
    async with db.transaction() as session:
        order = await order_by_id(session, order_id)
        if checkout.reference and checkout.reference != order.reference:
            log.error("checkout %s is not for order %s", checkout.id, order.reference)
            return order
        if order.sumup_checkout_id is None:
            await session.execute(
                update(Order)
                .where(Order.id == order.id, Order.sumup_checkout_id.is_(None))
                .values(sumup_checkout_id=checkout.id)
            )
        if checkout.status == "PAID":
            if (checkout.amount_minor, checkout.currency) != (order.total_minor, order.currency):
                await _wrong_amount(session, order, checkout)
            elif order.state == PENDING:
                await _mark_paid(session, order, checkout)
            elif order.state in CLOSED_UNPAID and not await _late_payment(session, order, checkout):
                await _owe_late_refund(session, order, checkout)
        elif checkout.status in ("FAILED", "EXPIRED") and order.state == PENDING:
            await close_unpaid(session, order, FAILED if checkout.status == "FAILED" else EXPIRED)
    async with db.reading() as session:
        return await order_by_id(session, order_id)


async def _wrong_amount(session: AsyncSession, order: Order, checkout: Checkout) -> None:
    """SumUp took a payment under our reference for another sum: never confirm it. The order
    fails (its stock goes back) and the money is owed back, so nothing stays stuck."""
    log.error(
        "checkout %s paid %s %s but order %s is %s %s; failing it, refund owed",
        checkout.id,
        checkout.amount_minor,
        checkout.currency,
        order.reference,
        order.total_minor,
        order.currency,
    )
    await close_unpaid(session, order, FAILED)
    if checkout.transaction_id:
        await owe_refund(
            session,
            order,
            checkout.transaction_id,
            WRONG_AMOUNT,
            checkout_id=checkout.id,
            amount_minor=checkout.amount_minor,
            currency=checkout.currency,
        )


async def _owe_late_refund(session: AsyncSession, order: Order, checkout: Checkout) -> None:
    """Paid after its stock was released and sold: the money goes back. Recorded here, in the
    settling transaction; the refund pass sends it (``_refunds``)."""
    log.warning("order %s was paid after its stock was released; refund owed", order.reference)
    if not checkout.transaction_id:
        log.error("order %s paid late with no SumUp transaction id; refund it by hand", order.id)
        return
    await session.execute(
        update(Order)
        .where(Order.id == order.id)
        .values(sumup_transaction_id=checkout.transaction_id)
    )
    await owe_refund(session, order, checkout.transaction_id, LATE_PAYMENT, checkout_id=checkout.id)


async def confirm_checkout(db: Database, payments: Payments, checkout_id: str) -> Order | None:
    """Ask SumUp about ``checkout_id`` and settle the order it belongs to. Only a checkout we
    created and saved is asked about: the webhook is unauthenticated, and any id must not
    make us call SumUp (an order whose checkout id was never saved is settled by the sweep,
    which finds it by reference). None when no order has that checkout."""
    async with db.reading() as session:
        order = await order_by_checkout(session, checkout_id, None)
    if order is None:
        log.info("SumUp checkout %s matches no order; ignored", checkout_id)
        return None
    with translate_sumup_errors():
        checkout = await payments.client.get_checkout(checkout_id)
    return await settle(db, payments, order.id, checkout)


async def refresh_order(db: Database, payments: Payments, order: Order) -> Order:
    """Bring an order up to date with SumUp (used on the shopper's return and by the sweep)."""
    if not payments.configured:
        return order
    with translate_sumup_errors():
        if order.sumup_checkout_id:
            checkout = await payments.client.get_checkout(order.sumup_checkout_id)
        else:
            found = await payments.client.find_checkout_by_reference(order.reference)
            if found is None:
                return order
            checkout = found
    return await settle(db, payments, order.id, checkout)
