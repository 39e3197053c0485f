"""The drain: send queued outbox rows, retrying failures with exponential backoff.

Runs as ``python -m commerce_api mail send`` and periodically inside ``serve`` (only with
``MAIL_BACKEND=smtp``). Each row is claimed with a conditional UPDATE that pushes its
``next_attempt_at`` forward (a lease), so concurrent drains (several processes, or the command
next to ``serve``) never send one message twice at the same time. Delivery is at least once:
if the process dies after the relay accepted a message but before it is marked sent, the
lease expires and it is sent again.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from commerce_api.db import Database, utcnow
from commerce_api.db.models import OutboxMessage
from commerce_api.mail._smtp import Transport
from commerce_api.mail._states import FAILED, QUEUED, SENT
from server_kernel.db import rows_affected

__all__ = ["DrainReport", "RetryPolicy", "send_queued"]

#: How long a claimed message is held before another drain may try it.
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class RetryPolicy:
    first_delay_seconds: int = 30
    """The wait after the first failure; it doubles each time."""
    max_delay_seconds: int = 3600
    max_attempts: int = 8
    """After this many failed attempts a message is marked ``failed``."""

    def delay(self, attempts: int) -> timedelta:
        seconds = self.first_delay_seconds * 2 ** max(0, attempts - 1)
        return timedelta(seconds=min(seconds, self.max_delay_seconds))


@dataclass
class DrainReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def summary(self) -> str:
        return f"sent {self.sent}, will retry {self.retrying}, gave up on {self.failed}"


def _permanent(error: Exception) -> bool:
    """A 5xx answer about the message or recipient: retrying cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(
        error, smtplib.SMTPAuthenticationError
    ):
        return error.smtp_code >= 500
    return False


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:300]


async def _claim(db: Database, message_id: int, now: datetime) -> OutboxMessage | None:
    async with db.transaction() as session:
        claimed = rows_affected(
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.status == QUEUED,
                    OutboxMessage.next_attempt_at <= now,
                )
                .values(
                    next_attempt_at=now + LEASE,
                    attempts=OutboxMessage.attempts + 1,
                )
            )
        )
        if not claimed:
            return None
        return await session.get_one(OutboxMessage, message_id)


async def send_queued(
    db: Database,
    transport: Transport,
    policy: RetryPolicy | None = None,
    *,
    limit: int = 100,
    now: datetime | None = None,
) -> DrainReport:
    """Send up to ``limit`` messages that are due at ``now`` (default: the current time)."""
    policy = policy or RetryPolicy()
    now = now or utcnow()
    report = DrainReport()
    async with db.sessions() as session:
        due = (
            await session.execute(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            )
        ).scalars()
        ids = list(due)
    for message_id in ids:
        message = await _claim(db, message_id, now)
        if message is None:
            continue  # another drain has it
        values: dict[str, object]
        try:
            await transport.deliver(message)
        except (OSError, smtplib.SMTPException) as error:
            if _permanent(error) or message.attempts >= policy.max_attempts:
                values = {"status": FAILED, "last_error": _describe(error)}
                report.failed += 1
            else:
                values = {
                    "next_attempt_at": now + policy.delay(message.attempts),
                    "last_error": _describe(error),
                }
                report.retrying += 1
        else:
            values = {"status": SENT, "sent_at": utcnow(), "last_error": None}
            report.sent += 1
        async with db.transaction() as session:
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
            )
    return report
