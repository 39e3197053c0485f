"""Member identity: users, email tokens, browser sessions, sign-in failures.

Secrets (session ids, email tokens) are stored only as SHA-256 hashes (see
:func:`commerce_api.tokens.hash_token`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from commerce_api.db._base import Base, UTCDateTime, utcnow

__all__ = ["AuthFailure", "EmailToken", "User", "WebSession"]


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
    every API process sees the same sessions. Its CSRF token is derived from the id
    (:mod:`commerce_api.csrf`), so it is not stored."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
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
