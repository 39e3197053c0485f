"""Command line: ``python -m commerce_api {serve,migrate,sync-catalog,expire,refunds,refund,
fulfil}`` (and the identity commands).

Every command reads the same settings as the server (environment variables, see
``commerce_api.settings``). Exit status is 0 on success, 1 on a refused operation, 2 on bad
arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError

from commerce_api.errors import CommerceError
from commerce_api.settings import Settings, SettingsError, get_settings

if TYPE_CHECKING:
    from commerce_api.db import Database
    from commerce_api.domain.orders import RefundPass
    from commerce_api.payments import Payments

log = logging.getLogger("commerce_api")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m commerce_api", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--migrate", action="store_true", help="apply migrations first")
    serve.add_argument("--catalog", help="sync this catalog.json before serving")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes sharing the port (uvicorn workers); each has its own pool and snapshot",
    )

    sub.add_parser("migrate", help="create or upgrade the database schema")

    sync = sub.add_parser("sync-catalog", help="load products and tickets from catalog.json")
    sync.add_argument("path")

    sub.add_parser(
        "expire", help="expire stale pending orders, release their stock, send due refunds"
    )

    refunds = sub.add_parser("refunds", help="send the refunds we owe that are due, and list")
    refunds.add_argument("--all", action="store_true", help="retry every owed refund now")
    refunds.add_argument("--list", action="store_true", help="only list refunds, send nothing")

    refund = sub.add_parser("refund", help="refund a paid order through SumUp")
    refund.add_argument("order", help="order reference, token or number")

    fulfil = sub.add_parser("fulfil", help="mark a paid order as fulfilled (handed over)")
    fulfil.add_argument("order", help="order reference, token or number")

    from commerce_api.admin import add_identity_commands

    add_identity_commands(sub)  # users add, clients add, mail send, oauth rotate-key, sweep
    return parser


async def _with_db(settings: Settings, action: Any) -> Any:
    from commerce_api.db import Database
    from commerce_api.domain.cart import watch_carts
    from commerce_api.payments import Payments

    db = Database(settings.database_url)
    payments = Payments.from_settings(settings)
    try:
        async with watch_carts(db):  # a command that changes carts tells the servers
            return await action(db, payments)
    finally:
        await payments.aclose()
        await db.dispose()


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import os

    import uvicorn

    if args.migrate:
        from commerce_api.db import upgrade

        upgrade(settings.database_url)
    catalog = args.catalog or settings.catalog_path
    if catalog:
        _sync(catalog, settings)
        os.environ["CATALOG_PATH"] = catalog  # the newsletters are listed from it (workers too)
        get_settings.cache_clear()  # serve_app reads the settings again, CATALOG_PATH included
    uvicorn.run(
        "commerce_api.app:serve_app",
        factory=True,
        workers=args.workers,
        host=args.host,
        port=args.port,
        log_level="info",
        access_log=False,
    )
    return 0


def _sync(path: str, settings: Settings) -> int:
    from commerce_api.domain.catalog import load_catalog_file, sync_catalog

    catalog = load_catalog_file(path)
    report = asyncio.run(_with_db(settings, lambda db, _p: sync_catalog(db, catalog)))
    print(report.summary())
    return 0


def _refunds(args: argparse.Namespace, settings: Settings) -> int:
    """Send due refunds (every owed one with ``--all``), then print the refund book."""
    from commerce_api.domain.orders import list_refunds, retry_due_refunds

    async def run(db: Database, pay: Payments) -> list[str]:
        lines = []
        if not args.list:
            passed = await retry_due_refunds(
                db, pay, retry_seconds=settings.refund_retry_seconds, force=args.all
            )
            lines.append(passed.summary())
        for refund, reference in await list_refunds(db):
            when = (
                refund.next_attempt_at.isoformat(timespec="seconds")
                if refund.next_attempt_at
                else "-"
            )
            lines.append(
                f"{reference} {refund.state} {refund.amount_minor} {refund.currency} "
                f"reason={refund.reason} attempts={refund.attempts} next={when} "
                f"error={refund.last_error or '-'}"
            )
        return lines

    print("\n".join(asyncio.run(_with_db(settings, run))) or "no refunds")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # set-up chatter
    try:
        settings = get_settings()
        if args.command == "serve":
            return _serve(args, settings)
        if args.command == "migrate":
            from commerce_api.db import upgrade

            upgrade(settings.database_url)
            print("database is at the latest schema")
            return 0
        if args.command == "sync-catalog":
            return _sync(args.path, settings)
        if args.command == "expire":
            from commerce_api.domain.orders import expire_stale_orders, retry_due_refunds

            async def expire(db: Database, pay: Payments) -> tuple[int, RefundPass]:
                count = await expire_stale_orders(db, pay, settings)
                passed = await retry_due_refunds(
                    db, pay, retry_seconds=settings.refund_retry_seconds
                )
                return count, passed

            count, passed = asyncio.run(_with_db(settings, expire))
            print(f"expired {count} order(s)")
            print(passed.summary())
            return 0
        if args.command == "refunds":
            return _refunds(args, settings)
        if args.command == "refund":
            from commerce_api.domain.orders import refund_order

            order = asyncio.run(
                _with_db(settings, lambda db, pay: refund_order(db, pay, args.order))
            )
            print(f"order {order.reference} is {order.state}")
            return 0
        if args.command in ("users", "clients", "mail", "oauth", "sweep"):
            from commerce_api.admin import run_identity_command

            return run_identity_command(args, settings)
        if args.command == "fulfil":
            from commerce_api.domain.orders import fulfil_order

            order = asyncio.run(_with_db(settings, lambda db, _p: fulfil_order(db, args.order)))
            print(f"order {order.reference} is {order.state}")
            return 0
    except (CommerceError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except DBAPIError as exc:  # unreachable, or a schema older than this code
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        print(
            f"error: the database refused: {reason} "
            "(if its schema is old, run: python -m commerce_api migrate)",
            file=sys.stderr,
        )
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
