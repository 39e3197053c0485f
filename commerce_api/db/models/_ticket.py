"""Tickets issued for paid (or free, booked) orders; the code is what the door checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from commerce_api.db._base import Base, UTCDateTime, utcnow

__all__ = ["Ticket"]


class Ticket(Base):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"))
    state: Mapped[str] = mapped_column(String(16), default="valid")
    """``valid`` or ``void`` (its order was refunded)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
