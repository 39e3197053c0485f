"""``python -m federation_server deliver``: run the delivery worker as its own process."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import Any

__all__ = ["add_deliver_command"]


def add_deliver_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("deliver", help="run the delivery worker")
    parser.add_argument(
        "--once", action="store_true", help="deliver what is due now (one batch), then exit"
    )
    parser.set_defaults(func=cmd_deliver)


def cmd_deliver(args: argparse.Namespace) -> int:
    from federation_server.db.engine import create_database
    from federation_server.settings import get_settings

    from ._runner import build_worker

    async def main() -> None:
        settings = get_settings()
        database = create_database(settings.database_url)
        worker = build_worker(settings, database)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        try:
            if args.once:
                report: Any = await worker.run_once()
                print(report)
            else:
                await worker.run_forever(stop)
        finally:
            await worker.sender.aclose()
            await database.dispose()

    asyncio.run(main())
    return 0
