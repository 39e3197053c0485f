"""Periodic identity work inside ``serve``: the mail sender and the identity sweep.

The sender drains the outbox over SMTP every ``MAIL_SEND_SECONDS`` and also right after a
request queues mail (the outbox wakes it after commit), so mail normally leaves at once and a
relay outage only delays it. The sweep runs every ``EXPIRY_SWEEP_SECONDS``. Neither loop dies
on an error: it logs and tries again next period. At shutdown the sender finishes the pass it
is in (a message sent but not yet marked sent would be mailed again after a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from commerce_api.accounts.sweep import sweep_identity
from commerce_api.mail import RetryPolicy, SmtpTransport, send_queued
from server_kernel import run_periodically

if TYPE_CHECKING:
    from commerce_api.accounts.web import Identity

__all__ = ["IdentityWorker", "retry_policy"]

log = logging.getLogger(__name__)


def retry_policy(identity: Identity) -> RetryPolicy:
    s = identity.settings
    return RetryPolicy(first_delay_seconds=s.mail_retry_seconds, max_attempts=s.mail_max_attempts)


class IdentityWorker:
    #: How long shutdown waits for the sender's current pass before cancelling it.
    STOP_GRACE_SECONDS = 10.0

    def __init__(self, identity: Identity) -> None:
        self.identity = identity
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._sender: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None

    def start(self) -> None:
        settings = self.identity.settings
        if settings.mail_backend == "smtp" and settings.mail_send_seconds > 0:
            self.identity.outbox.on_queued = self._wake.set
            self._sender = asyncio.create_task(self._send_forever(), name="mail-sender")
        if settings.expiry_sweep_seconds > 0:
            self._sweeper = asyncio.create_task(self._sweep_forever(), name="identity-sweep")

    async def stop(self) -> None:
        """Cancel the sweep; let the sender finish its pass (within the grace period)."""
        self._stopping.set()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        if self._sender is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._sender, self.STOP_GRACE_SECONDS)

    async def _send_forever(self) -> None:
        identity = self.identity
        transport = SmtpTransport.from_settings(identity.settings)
        policy = retry_policy(identity)

        async def send() -> None:
            report = await send_queued(identity.db, transport, policy)
            if report.sent or report.retrying or report.failed:
                log.info("mail: %s", report.summary())

        await run_periodically(
            send,
            every=identity.settings.mail_send_seconds,
            name="mail sender",
            logger=log,
            wake=self._wake,
            stop=self._stopping,
        )

    async def _sweep_forever(self) -> None:
        identity = self.identity

        async def sweep() -> None:
            await sweep_identity(identity.db, identity.settings)

        await run_periodically(
            sweep,
            every=identity.settings.expiry_sweep_seconds,
            name="identity sweep",
            logger=log,
            stop=self._stopping,
            wait_first=True,
        )
