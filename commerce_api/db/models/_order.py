"""Orders and their lines: a snapshot of what was bought at what price, and the payment state.

States: ``pending`` → ``paid`` → ``fulfilled``; ``pending`` → ``expired`` / ``cancelled`` /
``failed``; ``paid`` → ``refunded``. Every move is a compare-and-set on ``state`` so webhook
retries and races are harmless.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commerce_api.db._base import Base, UTCDateTime, utcnow

__all__ = ["Order", "OrderLine"]


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("cart_id", "idempotency_key"),
        CheckConstraint("total_minor >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    """Unguessable: whoever holds it can read the order (the shopper's receipt link)."""
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    """Our ``checkout_reference`` at SumUp: one order, one reference, never charged twice."""
    state: Mapped[str] = mapped_column(String(16), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(Integer)
    cart_id: Mapped[int | None] = mapped_column(ForeignKey("carts.id", ondelete="SET NULL"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    booking_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    """Free bookings only: SHA-256 of the member and the ``Idempotency-Key`` (a retry finds
    the booking it already made; unique, so two concurrent retries cannot both book)."""
    member_id: Mapped[str | None] = mapped_column(String(64), index=True)
    """The signed-in member who placed it (accounts attach orders here); ``None`` = anonymous."""
    email: Mapped[str | None] = mapped_column(String(320))
    page_url: Mapped[str | None] = mapped_column(String(2000))
    """The order page on the site, as promised at checkout; the emails about the order link it."""
    sumup_checkout_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    hosted_checkout_url: Mapped[str | None] = mapped_column(String(2000))
    sumup_transaction_id: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    unit_price_minor: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    line_total_minor: Mapped[int] = mapped_column(Integer)
    order: Mapped[Order] = relationship(back_populates="lines")
