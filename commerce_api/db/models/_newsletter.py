"""Newsletter subscriptions (double opt-in; the confirmation token is stored only as its
SHA-256 hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commerce_api.db._base import Base, UTCDateTime, utcnow

__all__ = ["NewsletterSubscription"]


class NewsletterSubscription(Base):
    """One address on one newsletter: ``pending`` until the emailed link is followed, then
    ``subscribed``; ``unsubscribed`` by the signed link in every issue."""

    __tablename__ = "newsletter_subscriptions"
    __table_args__ = (UniqueConstraint("newsletter_id", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    newsletter_id: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), default=None, unique=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
