"""Catalogue items: products and ticket types, synced from the build's ``catalog.json``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from commerce_api.db._base import Base, UTCDateTime, utcnow

__all__ = ["Item"]


class Item(Base):
    """A product or a ticket type. Never deleted: a removed one is marked ``active=False``.

    ``catalog_quantity`` is the stock (products) or capacity (tickets) the catalogue said at the
    last sync; ``available`` is what can still be reserved (``None`` = unlimited). A sync moves
    ``available`` by the change in ``catalog_quantity``, so re-syncing keeps sales counted.
    When the catalogue drops below what is already held or sold, ``available`` stops at 0 and
    ``shortfall`` keeps the rest: released units pay it back before they become available, so
    ``available - shortfall == catalog_quantity - held - sold`` always.
    """

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("available IS NULL OR available >= 0", name="available_not_negative"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        CheckConstraint("shortfall >= 0", name="shortfall_not_negative"),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000))
    price_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    category: Mapped[str | None] = mapped_column(String(100))
    image: Mapped[str | None] = mapped_column(String(1000))
    event_id: Mapped[str | None] = mapped_column(String(200), index=True)
    event_title: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    catalog_quantity: Mapped[int | None] = mapped_column(Integer)
    available: Mapped[int | None] = mapped_column(Integer)
    shortfall: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Units held or sold beyond the catalogue's number (see above); 0 almost always."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    content_hash: Mapped[str] = mapped_column(String(100))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
