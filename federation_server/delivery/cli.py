"""``python -m federation_server deliver``: the background work as its own process.

It runs both loops ``serve`` runs in-process: the delivery worker (the outgoing queue) and
the inbox processor (activities the inbox verified and stored), so ``serve --no-worker``
with ``FEDERATION_RUN_INBOX_PROCESSOR=0`` leaves nothing waiting. ``--deliveries-only``
runs the delivery worker alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import Any

__all__ = ["add_deliver_command"]


def add_deliver_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "deliver", help="run the background worker (deliveries and stored inbox activities)"
    )
    parser.add_argument(
        "--once", action="store_true", help="handle what is due now (one batch each), then exit"
    )
    parser.add_argument(
        "--deliveries-only", action="store_true", help="do not process stored inbox activities"
    )
    parser.set_defaults(func=cmd_deliver)


def cmd_deliver(args: argparse.Namespace) -> int:
    from federation_server.db.engine import create_database
    from federation_server.services.inbox_processor import (
        inbox_context,
        process_pending,
        run_inbox_processor,
    )
    from federation_server.settings import get_settings

    from ._runner import build_worker

    async def main() -> None:
        settings = get_settings()
        database = create_database(settings.database_url)
        worker = build_worker(settings, database)
        ctx = await inbox_context(settings, database)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        inbox: asyncio.Task[None] | None = None
        try:
            if args.once:
                if not args.deliveries_only:
                    print(f"inbox activities handled: {await process_pending(ctx)}")
                report: Any = await worker.run_once()
                print(report)
                return
            if not args.deliveries_only:
                poll = settings.delivery_poll_seconds
                inbox = asyncio.create_task(run_inbox_processor(ctx, poll))
            await worker.run_forever(stop)
        finally:
            if inbox is not None:
                inbox.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await inbox
            await worker.sender.aclose()
            if ctx.http is not None:
                await ctx.http.aclose()
            await database.dispose()

    asyncio.run(main())
    return 0
