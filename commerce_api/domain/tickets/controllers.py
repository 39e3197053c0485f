"""``GET /tickets/{code}`` (door check) and ``POST /bookings`` (free events)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Response, get, post
from litestar.params import FromPath, JSONBody

from commerce_api.deps import DbDep, MemberIdDep
from commerce_api.domain.checkout._service import check_email
from commerce_api.domain.orders import OrderView, view_of
from commerce_api.domain.tickets._service import TicketCheck, book_free, check_ticket
from commerce_api.errors import (
    BadRequest,
    NotFound,
    OutOfStock,
    PayloadTooLarge,
    UnknownItem,
    responses,
)

__all__ = ["book", "ticket_check"]


@dataclass
class BookingRequest:
    item_id: str
    """A ticket type with price 0."""
    quantity: int = 1
    email: str | None = None


@get(
    "/tickets/{code:str}",
    tags=["tickets"],
    summary="Check a ticket at the door",
    responses=responses(BadRequest, NotFound),
)
async def ticket_check(db: DbDep, code: FromPath[str]) -> TicketCheck:
    return await check_ticket(db, code)


@post(
    "/bookings",
    tags=["tickets"],
    summary="Book places on a free event (RSVP), no payment",
    responses=responses(UnknownItem, OutOfStock, PayloadTooLarge),
)
async def book(
    db: DbDep, member_id: MemberIdDep, data: JSONBody[BookingRequest]
) -> Response[OrderView]:
    order = await book_free(
        db, data.item_id, data.quantity, email=check_email(data.email), member_id=member_id
    )
    return Response(await view_of(db, order), status_code=201)
