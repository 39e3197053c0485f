"""Operations on paid orders: fulfil (handed over), refund (through SumUp), and a shopper's
cancel of an unpaid order."""

from __future__ import annotations

import logging

from commerce_api.db import Database
from commerce_api.db.models import Order
from commerce_api.domain.orders._lookup import order_by_id, order_by_token, order_for_admin
from commerce_api.domain.orders._mail import queue_notice
from commerce_api.domain.orders._refunds import (
    ADMIN,
    DEFAULT_RETRY_SECONDS,
    FAILED_REFUND,
    OWED,
    attempt_refund,
    finish_refunded_order,
    owe_refund,
)
from commerce_api.domain.orders._settle import close_unpaid, refresh_order
from commerce_api.domain.orders._states import (
    CANCELLED,
    FULFILLED,
    PAID,
    PAID_STATES,
    PENDING,
    transition,
)
from commerce_api.errors import Conflict, PaymentProviderError, PaymentUnavailable
from commerce_api.payments import Payments, translate_sumup_errors
from commerce_api.sumup import SumUpError, SumUpRejected

__all__ = ["cancel_order", "fulfil_order", "refund_order"]

log = logging.getLogger(__name__)


async def fulfil_order(db: Database, ident: str) -> Order:
    async with db.transaction() as session:
        order = await order_for_admin(session, ident)
        if not await transition(session, order.id, (PAID,), FULFILLED):
            raise Conflict(f"order {order.reference} is {order.state}, not paid", field="order")
    async with db.reading() as session:
        return await order_by_id(session, order.id)


async def refund_order(
    db: Database, payments: Payments, ident: str, *, retry_seconds: int = DEFAULT_RETRY_SECONDS
) -> Order:
    """Refund a paid order in full through SumUp, then mark it refunded and void its tickets
    (their places go back on sale; products are not restocked automatically).

    The refund is recorded before SumUp is asked, so if SumUp does not answer the refund stays
    owed and the refund pass retries it (the caller gets a 503 saying so)."""
    async with db.reading() as session:
        order = await order_for_admin(session, ident)
    if order.state not in PAID_STATES:
        raise Conflict(f"order {order.reference} is {order.state}; only paid orders refund")
    if order.total_minor == 0:  # a free booking: nothing to send to SumUp
        async with db.transaction() as session:
            await finish_refunded_order(session, order.id)
        async with db.reading() as session:
            return await order_by_id(session, order.id)
    transaction_id = order.sumup_transaction_id
    if transaction_id is None and order.sumup_checkout_id:
        with translate_sumup_errors():
            checkout = await payments.client.get_checkout(order.sumup_checkout_id)
        transaction_id = checkout.transaction_id
    if transaction_id is None:
        raise Conflict(f"SumUp has no transaction for order {order.reference}")
    async with db.transaction() as session:
        refund = await owe_refund(session, order, transaction_id, ADMIN)
    assert refund is not None
    result = await attempt_refund(db, payments, refund.id, force=True, retry_seconds=retry_seconds)
    result = result or refund  # not claimed: another pass is sending it, or it failed before
    if result.state == OWED:
        raise PaymentUnavailable(
            f"SumUp did not confirm the refund of {order.reference}; it is recorded and will "
            f"be retried ({result.last_error})"
        )
    if result.state == FAILED_REFUND:
        raise PaymentProviderError(f"refund of {order.reference} failed: {result.last_error}")
    async with db.reading() as session:
        return await order_by_id(session, order.id)


async def cancel_order(db: Database, payments: Payments, token: str) -> Order:
    """The shopper gives up on an unpaid order: its stock goes back at once. If SumUp says it
    was paid meanwhile, the order is confirmed instead and the cancel refused."""
    async with db.reading() as session:
        order = await order_by_token(session, token)
    if order.state == PENDING and payments.configured:
        order = await _refresh_quietly(db, payments, order)
        if order.state == PENDING and order.sumup_checkout_id:
            try:
                await payments.client.deactivate_checkout(order.sumup_checkout_id)
            except SumUpRejected:  # already processed: find out how
                order = await _refresh_quietly(db, payments, order)
            except SumUpError as exc:
                log.warning("could not deactivate checkout of %s: %s", order.reference, exc)
    if order.state != PENDING:
        raise Conflict(f"order {order.reference} is {order.state}; it cannot be cancelled")
    async with db.transaction() as session:
        if not await close_unpaid(session, order, CANCELLED):
            raise Conflict(f"order {order.reference} changed meanwhile; read it again")
        queue_notice(session, order, "cancelled")
    async with db.reading() as session:
        return await order_by_id(session, order.id)


async def _refresh_quietly(db: Database, payments: Payments, order: Order) -> Order:
    try:
        return await refresh_order(db, payments, order)
    except (PaymentUnavailable, PaymentProviderError) as exc:
        log.warning("could not ask SumUp about %s: %s", order.reference, exc.detail)
        return order
