"""Member accounts: users, email tokens, browser sessions, sign-in failures, newsletters.

Secrets (session ids, email tokens, newsletter confirmation tokens) are stored only as
SHA-256 hashes (see :mod:`commerce_api.accounts.tokens`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commerce_api.db import Base, UTCDateTime, utcnow

__all__ = [
    "AuthFailure",
    "EmailToken",
    "MemberCart",
    "NewsletterSubscription",
    "User",
    "WebSession",
]


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    """Random, stable: the OpenID ``sub`` and ``orders.member_id`` (row ids stay private)."""
    email: Mapped[str] = mapped_column(String(320), unique=True)
    """Normalised (trimmed, lower case) so one address is one account."""
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(200), default=None)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EmailToken(Base):
    """A single-use, expiring token sent by email (verify the address, reset the password)."""

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class WebSession(Base):
    """A signed-in browser. The cookie holds a random id; only its hash is stored here, so
    every API process sees the same sessions."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    """Echoed by the browser in ``X-CSRF-Token`` (or a form field) on every unsafe request."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuthFailure(Base):
    """One failed sign-in, counted per account and per client address (shared by every
    process because it is in the database)."""

    __tablename__ = "auth_failures"
    __table_args__ = (Index("ix_auth_failures_key_failed_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    """``account:<sha256 of the email>`` or ``address:<ip>``."""
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


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


class MemberCart(Base):
    """The cart that follows a member across devices (carts themselves are anonymous; this
    links one to its owner, and sign-in merges the browser's cart into it)."""

    __tablename__ = "member_carts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id", ondelete="CASCADE"), unique=True)
