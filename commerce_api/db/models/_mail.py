"""The mail outbox: every email is a row here first, written in the same transaction as the
account, token or subscription it is about, so a request never waits for (or fails on) SMTP.

With ``MAIL_BACKEND=outbox`` (the default) the table *is* the mailbox: a fresh clone and the
tests read it. With ``smtp`` the drain (:func:`commerce_api.mail.send_queued`) sends queued rows and
marks them sent; failures are retried with backoff, then given up as ``failed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from commerce_api.db._base import Base, UTCDateTime, utcnow

__all__ = ["OutboxMessage"]


class OutboxMessage(Base):
    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    """``queued`` (waiting or being retried), ``sent``, or ``failed`` (gave up)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    """When a drain may (re)try it; a drain that claims a row pushes this forward (a lease),
    so two drains never send the same message at once."""
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    last_error: Mapped[str | None] = mapped_column(String(300), default=None)
    """The SMTP error class and reply (never the body, which holds single-use links)."""
