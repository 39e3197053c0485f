"""Command line: ``python -m federation_server {serve,migrate,publish,deliver,status}``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from federation_server.errors import FederationError
from federation_server.settings import get_settings

Command = Callable[[argparse.Namespace], int]


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the HTTP server (uvicorn, ``--workers`` processes), with the delivery worker
    in-process unless --no-worker."""
    import os

    import uvicorn

    if args.no_worker:
        os.environ["FEDERATION_RUN_WORKER"] = "0"  # read by every worker process's settings
    uvicorn.run(
        "federation_server.app:create_app",
        factory=True,
        workers=args.workers,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        proxy_headers=True,
        lifespan="on",
    )
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Bring the database schema up to date."""
    from federation_server.db.migrate import upgrade

    upgrade(get_settings().database_url)
    print("database is up to date")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish what the build made (new → Create, changed → Update, removed → Delete)."""
    from federation_server.services.publish import publish_build_dir

    report = asyncio.run(publish_build_dir(get_settings(), Path(args.build_dir)))
    print(report.summary())
    return 0


def cmd_deliver(args: argparse.Namespace) -> int:
    """The background work as its own process: the delivery worker (the outgoing queue) and
    the inbox processor (activities the inbox verified and stored), the two loops ``serve``
    runs in-process; ``--deliveries-only`` runs the delivery worker alone."""
    import contextlib
    import signal

    from federation_server.db.engine import create_database
    from federation_server.delivery import build_worker
    from federation_server.services.actors import local_key_resolver
    from federation_server.services.inbox_processor import (
        inbox_context,
        process_pending,
        run_inbox_processor,
    )

    async def main() -> None:
        settings = get_settings()
        database = create_database(settings.database_url)
        worker = build_worker(settings, database, local_key_resolver(settings, database))
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
                print(await worker.run_once())
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


def cmd_status(_args: argparse.Namespace) -> int:
    """Print followers, the queue and each host's deliveries (see delivery/status.py)."""
    from federation_server.db.engine import create_database
    from federation_server.delivery.status import read_status, render

    async def report() -> str:
        database = create_database(get_settings().database_url)
        try:
            async with database.reading() as session:
                return render(await read_status(session))
        finally:
            await database.dispose()

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    try:
        print(asyncio.run(report()))
    except SQLAlchemyError as exc:
        where = make_url(get_settings().database_url).render_as_string(hide_password=True)
        print(f"error: cannot read {where}: {exc.__class__.__name__} "
              "(run `python -m federation_server migrate` first?)", file=sys.stderr)  # fmt: skip
        return 2
    return 0


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="run the ActivityPub server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--no-worker", action="store_true", help="do not run delivery in-process")
    parser.add_argument("--log-level", default="info")
    parser.add_argument(
        "--workers", type=int, default=1, help="processes sharing the port (uvicorn workers)"
    )
    parser.set_defaults(func=cmd_serve)


def _add_migrate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)


def _add_publish(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("publish", help="publish build/_data/activitystreams.json")
    parser.add_argument("build_dir", help="the build output folder (holding _data/)")
    parser.set_defaults(func=cmd_publish)


def _add_deliver(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def _add_status(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser(
        "status", help="followers, queue depth and deliveries per host (last 24 h)"
    ).set_defaults(func=cmd_status)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m federation_server")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (_add_serve, _add_migrate, _add_publish, _add_deliver, _add_status):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # set-up chatter
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except FederationError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
