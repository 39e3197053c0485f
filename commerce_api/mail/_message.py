"""An email, and the outbox that queues it inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db.models import OutboxMessage

__all__ = ["Email", "Outbox"]


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """Extra headers, e.g. ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC 8058)."""


class Outbox:
    """Queues emails as ``mail_outbox`` rows in the caller's session: the email exists if and
    only if the transaction that made its token or account commits. ``on_queued`` runs after
    that commit (the ``serve`` process uses it to wake its sender at once)."""

    def __init__(self, on_queued: Callable[[], None] | None = None) -> None:
        self.on_queued = on_queued

    def queue(self, session: AsyncSession, email: Email) -> None:
        session.add(
            OutboxMessage(
                to_address=email.to,
                subject=email.subject,
                body_text=email.text,
                headers=dict(email.headers),
            )
        )
        callback = self.on_queued
        if callback is not None:
            event.listen(session.sync_session, "after_commit", lambda _s: callback(), once=True)
