"""What order endpoints return: the price snapshot taken at checkout, never today's prices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commerce_api.db.models import Order, Ticket
from commerce_api.words import order_state_words
from manifest_contract import format_money

__all__ = ["OrderLineView", "OrderView", "TicketSummary"]


@dataclass
class OrderLineView:
    item_id: str
    kind: str
    title: str
    unit_price_minor: int
    quantity: int
    line_total_minor: int
    unit_price_text: str
    """The price as every page prints it (``manifest_contract.format_money``): ``£6.50``."""
    line_total_text: str


@dataclass
class TicketSummary:
    code: str
    item_id: str
    state: str


@dataclass
class OrderView:
    reference: str
    """What the shopper quotes (also SumUp's checkout_reference)."""
    token: str
    """Unguessable; ``GET /orders/{token}`` reads the order."""
    state: str
    state_text: str
    """``Thank you: your order is paid.``: the receipt page and the cart island print it."""
    currency: str
    total_minor: int
    total_text: str
    """``£13.00``: the receipt page and the islands print it as is."""
    lines: list[OrderLineView]
    tickets: list[TicketSummary]
    created_at: datetime
    hosted_checkout_url: str | None = None
    """Where to send the shopper to pay (only while the order is pending)."""
    expires_at: datetime | None = None
    paid_at: datetime | None = None
    refund: str | None = None
    """``owed`` (we are giving the money back), ``done``, ``failed`` (we will contact you), or
    ``None`` when there is no refund."""

    @classmethod
    def of(
        cls, order: Order, tickets: list[Ticket] | None = None, refund: str | None = None
    ) -> OrderView:
        return cls(
            reference=order.reference,
            token=order.token,
            state=order.state,
            state_text=order_state_words(order.state),
            currency=order.currency,
            total_minor=order.total_minor,
            total_text=format_money(order.total_minor, order.currency),
            lines=[
                OrderLineView(
                    item_id=line.item_id,
                    kind=line.kind,
                    title=line.title,
                    unit_price_minor=line.unit_price_minor,
                    quantity=line.quantity,
                    line_total_minor=line.line_total_minor,
                    unit_price_text=format_money(line.unit_price_minor, order.currency),
                    line_total_text=format_money(line.line_total_minor, order.currency),
                )
                for line in order.lines
            ],
            tickets=[TicketSummary(t.code, t.item_id, t.state) for t in tickets or []],
            created_at=order.created_at,
            hosted_checkout_url=order.hosted_checkout_url if order.state == "pending" else None,
            expires_at=order.expires_at,
            paid_at=order.paid_at,
            refund=refund,
        )
