"""The one background loop: run a job, sleep (or wake early), never die of an error.

Mail, refunds, expiry, identity sweeps, deliveries and stored inbox activities all run this
way inside ``serve`` or a worker; a database hiccup must be logged and retried, not end the
loop, and a job that found work runs again at once instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

__all__ = ["run_periodically"]


async def run_periodically(
    job: Callable[[], Awaitable[object]],
    *,
    every: float,
    name: str,
    logger: logging.Logger,
    wake: asyncio.Event | None = None,
    stop: asyncio.Event | None = None,
    wait_first: bool = False,
) -> None:
    """Run ``job`` until ``stop`` is set or the task is cancelled.

    ``job`` returns something truthy when it did work: it then runs again at once. Otherwise
    the loop waits ``every`` seconds, or until ``wake`` or ``stop`` is set. An exception is
    logged with a traceback (``name`` says which job) and the loop carries on after the wait.
    With ``wait_first`` the first run comes after one wait (sweeps that start-up already did).
    """
    wake = wake or asyncio.Event()
    stop = stop or asyncio.Event()
    if wait_first:
        await _wait(every, wake, stop)
    while not stop.is_set():
        try:
            busy = bool(await job())
        except Exception:
            logger.exception("%s failed; retrying after %.0f s", name, every)
            busy = False
        if not busy:
            await _wait(every, wake, stop)


async def _wait(seconds: float, wake: asyncio.Event, stop: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED), seconds
            )
    finally:
        for waiter in waiters:
            waiter.cancel()
        wake.clear()
