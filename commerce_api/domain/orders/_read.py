"""Read orders as their owners see them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commerce_api.db import Database
from commerce_api.db.models import Order, Refund, Ticket
from commerce_api.domain.orders._lookup import order_by_token
from commerce_api.domain.orders._refunds import refund_states
from commerce_api.domain.orders.schemas import OrderView

__all__ = ["member_orders", "order_view", "view_of"]


async def view_of(db: Database, order: Order) -> OrderView:
    """The order as it stands now. Its state and its refund's state come from one statement:
    read apart, a refund committed in between showed ``refund: done`` on a ``cancelled`` order."""
    async with db.reading() as session:
        fresh, refund = (
            await session.execute(
                select(Order, Refund.state)
                .outerjoin(Refund, Refund.order_id == Order.id)
                .where(Order.id == order.id)
                .options(selectinload(Order.lines))
                .execution_options(populate_existing=True)
            )
        ).one()
        tickets = list(
            await session.scalars(
                select(Ticket).where(Ticket.order_id == order.id).order_by(Ticket.id)
            )
        )
    return OrderView.of(fresh, tickets, refund)


async def order_view(db: Database, token: str) -> OrderView:
    async with db.reading() as session:
        order = await order_by_token(session, token)
    return await view_of(db, order)


async def member_orders(db: Database, member_id: str) -> list[OrderView]:
    """Every order a signed-in member placed, newest first."""
    async with db.reading() as session:
        orders = list(
            await session.scalars(
                select(Order)
                .where(Order.member_id == member_id)
                .options(selectinload(Order.lines))
                .order_by(Order.created_at.desc(), Order.id.desc())
            )
        )
        tickets = list(
            await session.scalars(
                select(Ticket)
                .where(Ticket.order_id.in_([o.id for o in orders]))
                .order_by(Ticket.id)
            )
        )
        refunds = await refund_states(session, [o.id for o in orders])
    by_order: dict[int, list[Ticket]] = {}
    for ticket in tickets:
        by_order.setdefault(ticket.order_id, []).append(ticket)
    return [OrderView.of(o, by_order.get(o.id, []), refunds.get(o.id)) for o in orders]
