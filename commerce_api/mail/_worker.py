"""The mail sender inside ``serve``: drains the outbox over SMTP every ``MAIL_SEND_SECONDS``
and also right after a request queues mail (the outbox wakes it after commit), so mail
normally leaves at once and a relay outage only delays it. It never dies on an error: it logs
and tries again next period. At shutdown it finishes the pass it is in (a message sent but not
yet marked sent would be mailed again after a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from commerce_api.db import Database
from commerce_api.mail._drain import RetryPolicy, send_queued
from commerce_api.mail._message import Outbox
from commerce_api.mail._smtp import SmtpTransport
from commerce_api.settings import Settings
from server_kernel import run_periodically

__all__ = ["MailSender", "retry_policy"]

log = logging.getLogger(__name__)


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        first_delay_seconds=settings.mail_retry_seconds, max_attempts=settings.mail_max_attempts
    )


class MailSender:
    #: How long shutdown waits for the current pass before cancelling it.
    STOP_GRACE_SECONDS = 10.0

    def __init__(self, settings: Settings, db: Database, outbox: Outbox) -> None:
        self.settings = settings
        self.db = db
        self.outbox = outbox
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start sending (only with ``MAIL_BACKEND=smtp`` and a positive period)."""
        if self.settings.mail_backend == "smtp" and self.settings.mail_send_seconds > 0:
            self.outbox.on_queued = self._wake.set
            self._task = asyncio.create_task(self._send_forever(), name="mail-sender")

    async def stop(self) -> None:
        """Let the current pass finish (within the grace period)."""
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, self.STOP_GRACE_SECONDS)

    async def _send_forever(self) -> None:
        transport = SmtpTransport.from_settings(self.settings)
        policy = retry_policy(self.settings)

        async def send() -> None:
            report = await send_queued(self.db, transport, policy)
            if report.sent or report.retrying or report.failed:
                log.info("mail: %s", report.summary())

        await run_periodically(
            send,
            every=self.settings.mail_send_seconds,
            name="mail sender",
            logger=log,
            wake=self._wake,
            stop=self._stopping,
        )
