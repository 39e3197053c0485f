"""The tickets a signed-in member holds, with their events (the account page lists them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from commerce_api.db import Database
from commerce_api.db.models import Item, Order, Ticket

__all__ = ["MemberTicket", "member_tickets"]


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
