"""Periodic identity work inside ``serve``: the mail sender and the identity sweep.

The sender drains the outbox over SMTP every ``MAIL_SEND_SECONDS`` and also right after a
request queues mail (the outbox wakes it after commit), so mail normally leaves at once and a
relay outage only delays it. The sweep runs every ``EXPIRY_SWEEP_SECONDS``. Neither loop dies
on an error: it logs and tries again next period.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from commerce_api.accounts.sweep import sweep_identity
from commerce_api.mail import RetryPolicy, SmtpTransport, send_queued

if TYPE_CHECKING:
    from commerce_api.accounts.web import Identity

__all__ = ["IdentityWorker", "retry_policy"]

log = logging.getLogger(__name__)


def retry_policy(identity: Identity) -> RetryPolicy:
    s = identity.settings
    return RetryPolicy(first_delay_seconds=s.mail_retry_seconds, max_attempts=s.mail_max_attempts)


class IdentityWorker:
    def __init__(self, identity: Identity) -> None:
        self.identity = identity
        self._wake = asyncio.Event()

    def start(self) -> list[asyncio.Task[None]]:
        settings = self.identity.settings
        tasks = []
        if settings.mail_backend == "smtp" and settings.mail_send_seconds > 0:
            self.identity.outbox.on_queued = self._wake.set
            tasks.append(asyncio.create_task(self._send_forever(), name="mail-sender"))
        if settings.expiry_sweep_seconds > 0:
            tasks.append(asyncio.create_task(self._sweep_forever(), name="identity-sweep"))
        return tasks

    async def _send_forever(self) -> None:
        identity = self.identity
        transport = SmtpTransport.from_settings(identity.settings)
        policy = retry_policy(identity)
        while True:
            self._wake.clear()
            try:
                report = await send_queued(identity.db, transport, policy)
                if report.sent or report.retrying or report.failed:
                    log.info("mail: %s", report.summary())
            except Exception:
                log.exception("mail sender failed; retrying next period")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), identity.settings.mail_send_seconds)

    async def _sweep_forever(self) -> None:
        identity = self.identity
        while True:
            await asyncio.sleep(identity.settings.expiry_sweep_seconds)
            try:
                await sweep_identity(identity.db, identity.settings)
            except Exception:
                log.exception("identity sweep failed; retrying next period")
