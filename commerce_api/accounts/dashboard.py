"""The member dashboard's reads and the one write it allows: cancelling a free booking.

Orders belong to a member through ``orders.member_id`` (the member's public id), which the
commerce core fills at checkout and booking. A booking is a free order of ticket places;
cancelling it voids its tickets and gives its places back at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commerce_api.db import Database
from commerce_api.db.models import Item, Order, Ticket
from commerce_api.domain.orders import (
    OrderView,
    member_orders,
)
from commerce_api.domain.tickets import cancel_booking as cancel_free_booking
from commerce_api.domain.tickets import is_free_booking
from commerce_api.errors import NotFound

__all__ = ["MemberTicket", "cancel_booking", "member_bookings", "member_tickets"]


@dataclass
class MemberTicket:
    code: str
    item_id: str
    title: str
    state: str
    order_reference: str
    event_title: str | None = None
    starts_at: str | None = None


async def member_tickets(db: Database, member_id: str) -> list[MemberTicket]:
    async with db.sessions() as session:
        rows = (
            await session.execute(
                select(Ticket, Order.reference, Item)
                .join(Order, Order.id == Ticket.order_id)
                .join(Item, Item.id == Ticket.item_id)
                .where(Order.member_id == member_id)
                .order_by(Ticket.id)
            )
        ).all()
    return [
        MemberTicket(
            code=ticket.code,
            item_id=ticket.item_id,
            title=item.title,
            state=ticket.state,
            order_reference=reference,
            event_title=item.event_title,
            starts_at=item.starts_at.isoformat() if item.starts_at else None,
        )
        for ticket, reference, item in rows
    ]


async def member_bookings(db: Database, member_id: str) -> list[OrderView]:
    return [
        view
        for view in await member_orders(db, member_id)
        if view.total_minor == 0 and all(line.kind == "ticket" for line in view.lines)
    ]


async def cancel_booking(db: Database, member_id: str, reference: str) -> None:
    """Cancel the member's free booking ``reference``: tickets void, places released."""
    async with db.transaction() as session:
        order = (
            await session.execute(
                select(Order)
                .where(Order.reference == reference, Order.member_id == member_id)
                .options(selectinload(Order.lines))
            )
        ).scalar_one_or_none()
        if order is None or not is_free_booking(order):
            raise NotFound("you have no booking with this reference", field="reference")
        await cancel_free_booking(session, order)
