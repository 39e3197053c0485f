"""Operations on paid orders: fulfil (handed over), refund (through SumUp), and a shopper's
cancel of an unpaid order."""

from __future__ import annotations

import logging

from commerce_api.db import Database
from commerce_api.db.models import Order
from commerce_api.domain.orders._lookup import order_by_id, order_by_token, order_for_admin
from commerce_api.domain.orders._settle import held, refresh_order
from commerce_api.domain.orders._states import (
    CANCELLED,
    FULFILLED,
    PAID,
    PAID_STATES,
    PENDING,
    REFUNDED,
    transition,
)
from commerce_api.domain.orders._stock import release
from commerce_api.domain.orders._tickets import void_tickets
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


async def refund_order(db: Database, payments: Payments, ident: str) -> Order:
    """Refund a paid order in full through SumUp, then mark it refunded and void its tickets
    (their places go back on sale; products are not restocked automatically)."""
    async with db.reading() as session:
        order = await order_for_admin(session, ident)
    if order.state not in PAID_STATES:
        raise Conflict(f"order {order.reference} is {order.state}; only paid orders refund")
    if order.total_minor > 0:
        transaction_id = order.sumup_transaction_id
        with translate_sumup_errors():
            if transaction_id is None and order.sumup_checkout_id:
                transaction_id = (
                    await payments.client.get_checkout(order.sumup_checkout_id)
                ).transaction_id
            if transaction_id is None:
                raise Conflict(f"SumUp has no transaction for order {order.reference}")
            try:
                await payments.client.refund(transaction_id, None, order.currency)
            except SumUpRejected as exc:
                if exc.status_code != 409:
                    raise
                log.warning("SumUp says %s is already refunded", order.reference)
    async with db.transaction() as session:
        if await transition(session, order.id, PAID_STATES, REFUNDED):
            await void_tickets(session, order.id)
            await release(session, [(i, q) for i, q in held(order) if _is_ticket(order, i)])
    async with db.reading() as session:
        return await order_by_id(session, order.id)


def _is_ticket(order: Order, item_id: str) -> bool:
    return any(line.item_id == item_id and line.kind == "ticket" for line in order.lines)


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
        if not await transition(session, order.id, (PENDING,), CANCELLED, expires_at=None):
            raise Conflict(f"order {order.reference} changed meanwhile; read it again")
        await release(session, held(order))
    async with db.reading() as session:
        return await order_by_id(session, order.id)


async def _refresh_quietly(db: Database, payments: Payments, order: Order) -> Order:
    try:
        return await refresh_order(db, payments, order)
    except (PaymentUnavailable, PaymentProviderError) as exc:
        log.warning("could not ask SumUp about %s: %s", order.reference, exc.detail)
        return order
