"""Admin commands (wired into ``python -m commerce_api``): ``users add``, ``clients add``,
``mail send`` (drain the outbox over SMTP), ``oauth rotate-key`` and ``sweep`` (delete expired
sessions, tokens, codes and retired keys).

Passwords are read from standard input (never a command-line argument, which other users of
the machine can see); a confidential client's secret is printed once and stored only as a
hash.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from commerce_api.errors import Conflict
from commerce_api.settings import Settings

__all__ = ["add_identity_commands", "run_identity_command"]


def add_identity_commands(sub: Any) -> None:
    users = sub.add_parser("users", help="member accounts").add_subparsers(
        dest="action", required=True
    )
    add_user = users.add_parser("add", help="create a (verified) member account")
    add_user.add_argument("--email", required=True)
    add_user.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from the first line of standard input",
    )
    add_user.add_argument("--name", default=None, help="display name")

    clients = sub.add_parser("clients", help="OAuth clients").add_subparsers(
        dest="action", required=True
    )
    add_client = clients.add_parser("add", help="register an OAuth/OpenID client")
    add_client.add_argument("--name", required=True)
    add_client.add_argument(
        "--redirect-uri",
        action="append",
        required=True,
        dest="redirect_uris",
        help="exact redirect URI (repeat for several)",
    )
    add_client.add_argument(
        "--post-logout-redirect-uri", action="append", default=[], dest="logout_uris"
    )
    add_client.add_argument(
        "--public", action="store_true", help="no secret (browser or native app; PKCE only)"
    )
    add_client.add_argument(
        "--third-party", action="store_true", help="ask members to consent (not our own app)"
    )
    add_client.add_argument("--scope", default="openid profile email")

    mail = sub.add_parser("mail", help="the mail outbox").add_subparsers(
        dest="action", required=True
    )
    mail.add_parser("send", help="send queued mail over SMTP (retries with backoff)")

    oauth = sub.add_parser("oauth", help="the OAuth/OpenID provider").add_subparsers(
        dest="action", required=True
    )
    oauth.add_parser(
        "rotate-key",
        help="sign ID tokens with a new key; the old one stays in the JWKS until its tokens expire",
    )

    sub.add_parser(
        "sweep", help="delete expired sessions, email tokens, OAuth codes/tokens, retired keys"
    )


async def _add_user(settings: Settings, args: argparse.Namespace, password: str) -> str:
    from commerce_api.db import Database
    from commerce_api.domain.identity import Identity

    db = Database(settings.database_url)
    try:
        identity = Identity.create(settings, db)
        async with db.sessions() as session:
            email = args.email.strip().lower()
            if await identity.accounts.user_by_email(session, email) is not None:
                raise Conflict(f"{email} already has an account", field="email")
        user = await identity.accounts.create_user(
            args.email, password, verified=True, display_name=args.name
        )
        return user.public_id
    finally:
        await db.dispose()


async def _add_client(settings: Settings, args: argparse.Namespace) -> tuple[str, str | None]:
    from commerce_api.db import Database
    from commerce_api.db.models import OAuthClient
    from commerce_api.tokens import hash_token, new_token

    client_id = new_token(18)
    secret = None if args.public else new_token(32)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            session.add(
                OAuthClient(
                    client_id=client_id,
                    name=args.name,
                    secret_hash=hash_token(secret) if secret else None,
                    redirect_uris=list(args.redirect_uris),
                    post_logout_redirect_uris=list(args.logout_uris),
                    scope=args.scope,
                    first_party=not args.third_party,
                )
            )
    finally:
        await db.dispose()
    return client_id, secret


async def _with_db(settings: Settings, action: Any) -> Any:
    from commerce_api.db import Database

    db = Database(settings.database_url)
    try:
        return await action(db)
    finally:
        await db.dispose()


def _send_mail(settings: Settings) -> int:
    from commerce_api.mail import SmtpTransport, retry_policy, send_queued

    if settings.mail_backend != "smtp":
        print("MAIL_BACKEND is 'outbox': mail stays in the mail_outbox table, nothing to send")
        return 0
    policy = retry_policy(settings)
    transport = SmtpTransport.from_settings(settings)
    report = asyncio.run(_with_db(settings, lambda db: send_queued(db, transport, policy)))
    print(report.summary())
    return 0


def run_identity_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "mail":
        return _send_mail(settings)
    if args.command == "oauth":
        from commerce_api.oauth.keys import rotate_signing_key

        kid = asyncio.run(_with_db(settings, rotate_signing_key))
        print(f"ID tokens are now signed with key {kid}")
        return 0
    if args.command == "sweep":
        from commerce_api.sweep import sweep_identity

        report = asyncio.run(_with_db(settings, lambda db: sweep_identity(db, settings)))
        print(f"deleted: {report.summary()}")
        return 0
    if args.command == "users":
        password = sys.stdin.readline().rstrip("\r\n")
        public_id = asyncio.run(_add_user(settings, args, password))
        print(f"user {public_id} created for {args.email.strip().lower()}")
        return 0
    client_id, secret = asyncio.run(_add_client(settings, args))
    print(f"client_id={client_id}")
    if secret:
        print(f"client_secret={secret}")
    return 0
