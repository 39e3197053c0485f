"""Anonymous carts: a token the browser holds and the lines it chose (ids and quantities only;
prices always come from the catalogue)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commerce_api.db._base import Base, UTCDateTime, utcnow

__all__ = ["Cart", "CartLine", "MemberCart"]


class Cart(Base):
    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    """The currency of the last item ``add_item`` put in the cart: adding to the cart is one
    statement that checks the item against it, on the cart's row (see ``add_item``). ``None``
    for a cart no add has set it on; it may outlive the lines it was set by (a cart emptied)."""
    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartLine.id"
    )


class CartLine(Base):
    __tablename__ = "cart_lines"
    __table_args__ = (
        UniqueConstraint("cart_id", "item_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    cart: Mapped[Cart] = relationship(back_populates="lines")


class MemberCart(Base):
    """The cart that follows a member across devices (carts themselves are anonymous; this
    links one to its owner, and sign-in merges the browser's cart into it)."""

    __tablename__ = "member_carts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), unique=True)
