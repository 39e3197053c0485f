"""Refunds we owe: recorded in the same transaction that decides them, then sent to SumUp by
the refund pass (``commerce_api.domain.orders._refunds``), which retries with backoff until
SumUp confirms. One row per order: an order is refunded in full at most once.

States: ``owed`` (to send, or to retry at ``next_attempt_at``) → ``done``; ``owed`` →
``failed`` when SumUp refuses for good (a person must look, see ``python -m commerce_api
refunds --list``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from commerce_api.db._base import Base, UTCDateTime, utcnow

__all__ = ["Refund"]


class Refund(Base):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(String(16))
    """``late_payment`` (paid after its stock was released), ``wrong_amount`` (SumUp took
    another sum under our reference) or ``admin`` (the refund command)."""
    checkout_id: Mapped[str | None] = mapped_column(String(100))
    transaction_id: Mapped[str] = mapped_column(String(100))
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Requests sent (or about to be sent) to SumUp; counted before each one goes out."""
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    """When the refund pass may try again (backoff after SumUp did not confirm)."""
    sending_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """Set while an attempt is out at SumUp: nobody else sends, not even ``refunds --all``.
    Expires by itself if the process sending it dies."""
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
