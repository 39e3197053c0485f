"""Issue tickets for an order's ticket lines, one unguessable code per place."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db.models import Order, Ticket
from commerce_api.domain.orders._mail import queue_receipt
from commerce_api.tokens import new_ticket_code

__all__ = ["issue_tickets", "void_tickets"]


def issue_tickets(session: AsyncSession, order: Order, cancel_url: str | None = None) -> None:
    """Called only by the transaction that moved the order to paid, so exactly once; queues
    the receipt (with the ticket codes, and for a free booking its ``cancel_url``) in the same
    transaction."""
    codes: list[str] = []
    for line in order.lines:
        if line.kind != "ticket":
            continue
        for _ in range(line.quantity):
            codes.append(new_ticket_code())
            session.add(
                Ticket(
                    code=codes[-1],
                    order_id=order.id,
                    order_line_id=line.id,
                    item_id=line.item_id,
                    state="valid",
                )
            )
    queue_receipt(session, order, codes, cancel_url)


async def void_tickets(session: AsyncSession, order_id: int) -> None:
    await session.execute(update(Ticket).where(Ticket.order_id == order_id).values(state="void"))
