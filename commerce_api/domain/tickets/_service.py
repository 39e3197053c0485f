"""Tickets: the door check, and free bookings (RSVP) that take a place without payment."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from commerce_api.db import Database, lock_keys, utcnow
from commerce_api.db.models import Item, Order, OrderLine, Ticket
from commerce_api.domain.catalog import plausible_item_id
from commerce_api.domain.orders import (
    PAID,
    PAID_STATES,
    issue_tickets,
    reserve,
)
from commerce_api.errors import (
    BadRequest,
    Conflict,
    InvalidInput,
    NotFound,
    OutOfStock,
    UnknownItem,
)
from commerce_api.settings import Settings
from commerce_api.tokens import looks_like_token, new_order_reference, new_token

__all__ = [
    "TicketCheck",
    "book_free",
    "booking_key",
    "check_ticket",
]


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


def booking_key(idempotency_key: str, member_id: str | None) -> str:
    """What ``orders.booking_key`` stores: the client's key, scoped to the member (anonymous
    keys share one scope, so clients must send unguessable keys, such as UUIDs)."""
    return hashlib.sha256(f"{member_id or ''}\n{idempotency_key}".encode()).hexdigest()


async def _booked(session: AsyncSession, key: str) -> Order | None:
    return await session.scalar(
        select(Order).where(Order.booking_key == key).options(selectinload(Order.lines))
    )


def _same_booking(order: Order, item_id: str, quantity: int) -> Order:
    line = order.lines[0] if len(order.lines) == 1 else None
    if line is None or (line.item_id, line.quantity) != (item_id, quantity):
        raise Conflict(
            "this Idempotency-Key was used for a different booking; send a new key",
            field="Idempotency-Key",
        )
    return order


async def book_free(
    db: Database,
    item_id: str,
    quantity: int,
    *,
    email: str | None = None,
    member_id: str | None = None,
    idempotency_key: str | None = None,
    settings: Settings | None = None,
) -> tuple[Order, bool]:
    """Book places on a free ticket type: reserves capacity and issues tickets at once.

    Returns ``(order, created)``. With an ``idempotency_key``, a retry returns the booking the
    first request made (``created`` False) and never takes a second place."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidInput("quantity must be a whole number of at least 1", field="quantity")
    settings = settings or Settings()
    limit = settings.booking_max_places
    if quantity > limit:
        raise InvalidInput(f"book at most {limit} places at once", field="quantity")
    if not plausible_item_id(item_id):
        raise UnknownItem("this is not a ticket on sale", field="item_id")
    if email is None and member_id is None:
        raise InvalidInput(
            "give your email address: the booking and its codes are sent there", field="email"
        )
    key = None if idempotency_key is None else booking_key(idempotency_key, member_id)
    try:
        return await _book(db, settings, item_id, quantity, email, member_id, key)
    except (IntegrityError, OutOfStock):
        if key is None:
            raise
        # A concurrent request with the same key committed first (its insert collided with
        # ours, or it took the last places while we waited): answer with its booking.
        async with db.reading() as session:
            found = await _booked(session, key)
        if found is None:
            raise
        return _same_booking(found, item_id, quantity), False


async def _already_booked(
    session: AsyncSession, event_id: str | None, email: str | None, member_id: str | None
) -> int:
    """Places this email address (or member) holds on the event's free tickets."""
    who = Order.member_id == member_id if member_id is not None else Order.email == email
    held = await session.scalar(
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .join(Order, Order.id == OrderLine.order_id)
        .join(Item, Item.id == OrderLine.item_id)
        .where(
            who,
            Order.state.in_(PAID_STATES),
            Order.total_minor == 0,
            Item.event_id == event_id,
        )
    )
    return int(held or 0)


async def _book(
    db: Database,
    settings: Settings,
    item_id: str,
    quantity: int,
    email: str | None,
    member_id: str | None,
    key: str | None,
) -> tuple[Order, bool]:
    async with db.transaction() as session:
        if key is not None and (existing := await _booked(session, key)) is not None:
            return _same_booking(existing, item_id, quantity), False
        item = await session.get(Item, item_id)
        if item is None or not item.active or item.kind != "ticket":
            raise UnknownItem("this is not a ticket on sale", field="item_id")
        if item.price_minor != 0:
            raise InvalidInput(
                f"{item.title} is not free: add it to your cart and check out",
                field="item_id",
            )
        # Two bookings by one person for one event must not both pass the limit.
        await lock_keys(session, f"booking:{item.event_id}:{member_id or email}")
        held = await _already_booked(session, item.event_id, email, member_id)
        if held + quantity > settings.booking_max_places:
            raise InvalidInput(
                f"you have {held} of the {settings.booking_max_places} places one person may "
                "book for this event",
                field="quantity",
            )
        await reserve(session, [(item.id, quantity)])
        now = utcnow()
        token = new_token()
        order = Order(
            token=token,
            page_url=settings.order_page_url(token),
            reference=new_order_reference(),
            state=PAID,
            currency=item.currency,
            total_minor=0,
            member_id=member_id,
            email=email,
            booking_key=key,
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
        issue_tickets(session, order, cancel_url=f"{settings.public_url}/orders/{token}/receipt")
        return order, True
