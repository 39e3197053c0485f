"""The drain: send queued outbox rows, retrying failures with exponential backoff.

Runs as ``python -m commerce_api mail send`` and periodically inside ``serve`` (only with
``MAIL_BACKEND=smtp``). Each row is claimed (``server_kernel.jobs.claim_due``) by pushing its
``next_attempt_at`` forward (a lease), so concurrent drains (several processes, or the command
next to ``serve``) never send one message twice at the same time. Delivery is at least once:
if the process dies after the relay accepted a message but before it is marked sent, the
lease expires and it is sent again.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from commerce_api.db import Database, utcnow
from commerce_api.db.models import OutboxMessage
from commerce_api.mail._smtp import Transport
from commerce_api.mail._states import FAILED, QUEUED, SENT
from server_kernel.jobs import backoff, claim_due

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
        return backoff(attempts, first=self.first_delay_seconds, cap=self.max_delay_seconds)


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


async def _claim_next(db: Database, now: datetime) -> OutboxMessage | None:
    """Lease the message due first at ``now``, counting the attempt; None when none is due."""
    async with db.transaction() as session:
        claimed = await claim_due(
            session,
            OutboxMessage.id,
            due=(OutboxMessage.status == QUEUED,),
            free=OutboxMessage.next_attempt_at <= now,
            lease={"next_attempt_at": now + LEASE, "attempts": OutboxMessage.attempts + 1},
            returning=(OutboxMessage.id,),
            order_by=(OutboxMessage.next_attempt_at, OutboxMessage.id),
            limit=1,
        )
        if not claimed:
            return None
        return await session.get_one(OutboxMessage, claimed[0].id)


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
    for _ in range(limit):
        message = await _claim_next(db, now)
        if message is None:
            break  # nothing left that is due and not held by another drain
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
                update(OutboxMessage).where(OutboxMessage.id == message.id).values(**values)
            )
    return report
