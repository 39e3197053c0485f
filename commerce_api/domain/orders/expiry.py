"""The expiry sweep: pending orders past ``expires_at`` give their stock back.

Before giving up on an order it asks SumUp (when it has a checkout): a payment that arrived
without its webhook is confirmed instead, and an unpaid hosted checkout is deactivated so the
shopper cannot pay for stock we are about to release. If SumUp cannot be reached the order
expires anyway; a payment arriving later is handled as a late payment (see ``_settle``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Order
from commerce_api.domain.orders._lookup import order_by_id
from commerce_api.domain.orders._settle import close_unpaid, settle
from commerce_api.domain.orders._states import EXPIRED, PENDING
from commerce_api.payments import Payments
from commerce_api.settings import Settings
from commerce_api.sumup import Checkout, SumUpError, SumUpRejected

__all__ = ["expire_order", "expire_stale_orders"]

log = logging.getLogger(__name__)
BATCH = 200


async def _checkout_state(payments: Payments, order: Order) -> Checkout | None:
    """SumUp's checkout for the order, deactivated first if it is still open."""
    if not payments.configured:
        return None
    client = payments.client
    try:
        checkout = (
            await client.get_checkout(order.sumup_checkout_id)
            if order.sumup_checkout_id
            else await client.find_checkout_by_reference(order.reference)
        )
        if checkout is not None and checkout.status == "PENDING":
            try:
                checkout = await client.deactivate_checkout(checkout.id)
            except SumUpRejected:  # 409: processed meanwhile; read it again
                checkout = await client.get_checkout(checkout.id)
        return checkout
    except SumUpError as exc:
        log.warning("could not ask SumUp about %s (%s); expiring it anyway", order.reference, exc)
        return None


async def expire_order(db: Database, payments: Payments, order_id: int) -> bool:
    """Expire one pending order unless SumUp says it was paid; True if it expired."""
    async with db.reading() as session:
        order = await order_by_id(session, order_id)
    if order.state != PENDING:
        return False
    checkout = await _checkout_state(payments, order)
    if checkout is not None and checkout.status == "PAID":
        await settle(db, payments, order.id, checkout)
        return False
    async with db.transaction() as session:
        if not await close_unpaid(session, order, EXPIRED):
            return False
    log.info("order %s expired; its reservation is released", order.reference)
    return True


async def expire_stale_orders(
    db: Database, payments: Payments, settings: Settings, *, now: datetime | None = None
) -> int:
    """Expire every pending order whose reservation ran out before ``now``; returns how many."""
    now = now or utcnow()
    async with db.reading() as session:
        ids = list(
            await session.scalars(
                select(Order.id)
                .where(Order.state == PENDING, Order.expires_at < now)
                .order_by(Order.expires_at)
                .limit(BATCH)
            )
        )
    count = 0
    for order_id in ids:
        if await expire_order(db, payments, order_id):
            count += 1
    return count
