"""``GET /tickets/{code}`` (door check) and ``POST /bookings`` (free events)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Response, get, post
from litestar.params import FromPath, HeaderParameter, JSONBody

from commerce_api.deps import DbDep, MemberIdDep, SettingsDep
from commerce_api.domain.checkout import check_email, check_idempotency_key
from commerce_api.domain.orders import OrderView, view_of
from commerce_api.domain.tickets._service import TicketCheck, book_free, check_ticket
from commerce_api.errors import (
    BadRequest,
    Conflict,
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
    """Required unless signed in: the booking and its ticket codes are emailed there."""


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
    description=(
        "Send an Idempotency-Key header (unique per booking attempt, such as a UUID): retrying "
        "with the same key returns the same booking (200) instead of taking more places (201). "
        "Reusing a key for a different booking is a 409."
    ),
    responses=responses(BadRequest, UnknownItem, Conflict, OutOfStock, PayloadTooLarge),
)
async def book(
    db: DbDep,
    settings: SettingsDep,
    member_id: MemberIdDep,
    data: JSONBody[BookingRequest],
    idempotency_key: Annotated[
        str | None,
        HeaderParameter(name="Idempotency-Key", description="Unique per booking attempt"),
    ] = None,
) -> Response[OrderView]:
    key = None if idempotency_key is None else check_idempotency_key(idempotency_key)
    order, created = await book_free(
        db,
        data.item_id,
        data.quantity,
        email=check_email(data.email),
        member_id=member_id,
        idempotency_key=key,
        settings=settings,
    )
    return Response(await view_of(db, order), status_code=201 if created else 200)
