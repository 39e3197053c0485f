"""Tickets: the door check, and free bookings (RSVP) that take a place without payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from commerce_api.db import Database, utcnow
from commerce_api.db.models import Item, Order, OrderLine, Ticket
from commerce_api.domain.orders import PAID, issue_tickets, reserve
from commerce_api.domain.orders._states import PAID_STATES
from commerce_api.errors import BadRequest, InvalidInput, NotFound, UnknownItem
from commerce_api.tokens import looks_like_token, new_order_reference, new_token

__all__ = ["MAX_BOOKING", "TicketCheck", "book_free", "check_ticket"]

MAX_BOOKING = 10


@dataclass
class TicketCheck:
    """What a door volunteer needs: is it valid, for which event and ticket type."""

    code: str
    valid: bool
    state: str
    """``valid``, ``void`` (refunded) or ``unpaid``."""
    ticket_type_id: str
    title: str
    event_id: str | None
    event_title: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    order_reference: str


async def check_ticket(db: Database, code: str) -> TicketCheck:
    if not looks_like_token(code):
        raise BadRequest("a ticket code is 16-64 letters, digits, '-' or '_'", field="code")
    async with db.reading() as session:
        row = (
            await session.execute(
                select(Ticket, Item, Order)
                .join(Item, Item.id == Ticket.item_id)
                .join(Order, Order.id == Ticket.order_id)
                .where(Ticket.code == code)
            )
        ).one_or_none()
    if row is None:
        raise NotFound("no ticket has this code", field="code")
    ticket, item, order = row
    state = ticket.state
    if state == "valid" and order.state not in PAID_STATES:
        state = "unpaid"
    return TicketCheck(
        code=ticket.code,
        valid=state == "valid",
        state=state,
        ticket_type_id=item.id,
        title=item.title,
        event_id=item.event_id,
        event_title=item.event_title,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        order_reference=order.reference,
    )


async def book_free(
    db: Database,
    item_id: str,
    quantity: int,
    *,
    email: str | None = None,
    member_id: str | None = None,
) -> Order:
    """Book places on a free ticket type: reserves capacity and issues tickets at once."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidInput("quantity must be a whole number of at least 1", field="quantity")
    if quantity > MAX_BOOKING:
        raise InvalidInput(f"book at most {MAX_BOOKING} places at once", field="quantity")
    async with db.transaction() as session:
        item = await session.get(Item, item_id)
        if item is None or not item.active or item.kind != "ticket":
            raise UnknownItem(f"{item_id!r} is not a ticket on sale", field="item_id")
        if item.price_minor != 0:
            raise InvalidInput(
                f"{item_id!r} is not free; add it to the cart and check out", field="item_id"
            )
        await reserve(session, [(item.id, quantity)])
        now = utcnow()
        order = Order(
            token=new_token(),
            reference=new_order_reference(),
            state=PAID,
            currency=item.currency,
            total_minor=0,
            member_id=member_id,
            email=email,
            paid_at=now,
            lines=[
                OrderLine(
                    item_id=item.id,
                    kind=item.kind,
                    title=item.title,
                    unit_price_minor=0,
                    quantity=quantity,
                    line_total_minor=0,
                )
            ],
        )
        session.add(order)
        await session.flush()
        issue_tickets(session, order)
        return order
