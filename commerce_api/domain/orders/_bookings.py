"""Free bookings (orders of ticket places that cost nothing): what a member holds, and giving
one up. Cancelling is the order state change, ticket voiding and stock release every other
order path uses (:func:`transition`, :func:`void_tickets`, :func:`release`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from commerce_api.db import Database
from commerce_api.db.models import Order
from commerce_api.domain.orders._mail import queue_notice
from commerce_api.domain.orders._read import member_orders
from commerce_api.domain.orders._states import CANCELLED, PAID, transition
from commerce_api.domain.orders._stock import release
from commerce_api.domain.orders._tickets import void_tickets
from commerce_api.domain.orders.schemas import OrderView
from commerce_api.errors import Conflict, NotFound

__all__ = ["cancel_booking", "cancel_member_booking", "is_free_booking", "member_bookings"]


class _Line(Protocol):
    @property
    def kind(self) -> str: ...


class _Priced(Protocol):
    @property
    def total_minor(self) -> int: ...

    @property
    def lines(self) -> Iterable[_Line]: ...


def is_free_booking(order: _Priced) -> bool:
    """An order (or its view) that is only ticket places and costs nothing."""
    return order.total_minor == 0 and all(line.kind == "ticket" for line in order.lines)


async def cancel_booking(session: AsyncSession, order: Order) -> None:
    """Give up a free booking (its lines loaded): tickets void, places released, a notice
    mailed. The member's dashboard and the link in the booking email both use it."""
    if not is_free_booking(order):
        raise Conflict(f"order {order.reference} is not a free booking", field="order")
    if not await transition(session, order.id, (PAID,), CANCELLED):
        raise Conflict(f"booking {order.reference} is {order.state}; it cannot be cancelled")
    await void_tickets(session, order.id)
    await release(session, [(line.item_id, line.quantity) for line in order.lines])
    queue_notice(session, order, "cancelled")


async def member_bookings(db: Database, member_id: str) -> list[OrderView]:
    """The member's free bookings, newest first."""
    return [view for view in await member_orders(db, member_id) if is_free_booking(view)]


async def cancel_member_booking(db: Database, member_id: str, reference: str) -> None:
    """Cancel the member's free booking ``reference`` (404 for anyone else's)."""
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
        await cancel_booking(session, order)
