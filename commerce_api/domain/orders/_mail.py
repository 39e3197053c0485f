"""The emails about an order, queued in the transaction that changes it: the receipt when it
becomes paid (a free booking included), and a short notice when it is refunded or cancelled.
The mail sender delivers them (``commerce_api.mail``). An order without an email address gets
none (the no-JS and JS checkouts ask for one; tickets need it)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db.models import Order
from commerce_api.mail import Email, Outbox
from manifest_contract import format_money

__all__ = ["queue_notice", "queue_receipt"]

NOTICES = {
    "refunded": (
        "refunded",
        "We have refunded it in full; the money reaches your card in a few days.",
    ),
    "cancelled": ("cancelled", "Nothing was charged, and what you had reserved is released."),
}


def _link(order: Order) -> str:
    return f"\nYour order: {order.page_url}\n" if order.page_url else ""


def receipt(order: Order, ticket_codes: list[str], cancel_url: str | None = None) -> Email:
    lines = "\n".join(
        f"  {line.quantity} x {line.title}: {format_money(line.line_total_minor, order.currency)}"
        for line in order.lines
    )
    tickets = (
        "\nShow these ticket codes at the door:\n" + "\n".join(f"  {c}" for c in ticket_codes)
        if ticket_codes
        else ""
    )
    cancel = (
        f"\nCannot come? Cancel here and free your places: {cancel_url}\n" if cancel_url else ""
    )
    return Email(
        to=order.email or "",
        subject=f"Your Rose Ash order {order.reference}",
        text=(
            f"Thank you. Your order {order.reference} is confirmed.\n\n{lines}\n"
            f"  Total: {format_money(order.total_minor, order.currency)}\n{tickets}\n{_link(order)}"
            f"{cancel}"
        ),
    )


def notice(order: Order, what: str) -> Email:
    word, detail = NOTICES[what]
    return Email(
        to=order.email or "",
        subject=f"Your Rose Ash order {order.reference} is {word}",
        text=f"Your order {order.reference} is {word}. {detail}\n{_link(order)}",
    )


def queue_receipt(
    session: AsyncSession, order: Order, ticket_codes: list[str], cancel_url: str | None = None
) -> None:
    if order.email:
        Outbox().queue(session, receipt(order, ticket_codes, cancel_url))


def queue_notice(session: AsyncSession, order: Order, what: str) -> None:
    if order.email:
        Outbox().queue(session, notice(order, what))
