"""Mail goes through the outbox and a drain, against a real SMTP server on loopback
(aiosmtpd): a relay outage never fails a request, queued mail is sent once when the relay is
back, and ``serve`` sends new mail as soon as it is queued."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from litestar.testing import AsyncTestClient

from commerce_api.app import create_app
from commerce_api.db import Database, migrate, utcnow
from commerce_api.mail import Email, Outbox, RetryPolicy, SmtpTransport, send_queued
from commerce_api.settings import Settings
from tests.accounts.helpers import PASSWORD, api, cli, cli_env, make_settings, outbox, token_in
from tests.conftest import free_port

ANN = "ann@example.org"


class Sink:
    """Accepts every message, except for recipients at ``refused.example``: 550."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@contextmanager
def smtp_server(port: int) -> Iterator[Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def smtp_settings(database_url: str, port: int) -> Settings:
    return make_settings(
        database_url,
        mail_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        mail_from="Rose Ash <hello@rose-ash.example.coop>",
    )


def body(message: Message) -> str:
    return message.get_payload(decode=True).decode()  # type: ignore[union-attr]


async def test_mail_waits_in_the_outbox_while_smtp_is_down(database_url: str) -> None:
    port = free_port()  # nothing listens here yet: the relay is down
    settings = smtp_settings(database_url, port)
    async with api(settings) as client:
        registered = await client.post(
            "/account/register", json={"email": ANN, "password": PASSWORD}
        )
        reset = await client.post("/account/password/forgot", json={"email": ANN})
        assert registered.status_code == reset.status_code == 202
    queued = await outbox(database_url, ANN)
    assert [m.status for m in queued] == ["queued", "queued"]

    db = Database(database_url)
    transport = SmtpTransport.from_settings(settings)
    policy = RetryPolicy(first_delay_seconds=60)
    try:
        failed = await send_queued(db, transport, policy)
        assert (failed.sent, failed.retrying) == (0, 2)
        waiting = await outbox(database_url, ANN)
        assert {(m.status, m.attempts) for m in waiting} == {("queued", 1)}
        assert all("Connection" in (m.last_error or "") for m in waiting)
        # Not due again before the backoff has passed.
        assert (await send_queued(db, transport, policy)).retrying == 0

        later = utcnow() + timedelta(minutes=5)
        with smtp_server(port) as sink:
            sent = await send_queued(db, transport, policy, now=later)
            again = await send_queued(db, transport, policy, now=later)
            assert (sent.sent, again.sent) == (2, 0)
            assert [m["Subject"] for m in sink.messages] == [
                "Confirm your email address",
                "Reset your password",
            ]
            assert sink.messages[0]["To"] == ANN
            assert sink.messages[0]["From"] == "Rose Ash <hello@rose-ash.example.coop>"
            # The link in the delivered mail works like the one in the outbox.
            assert token_in(body(sink.messages[0]), "/auth/verify-email")
            assert {m.status for m in await outbox(database_url, ANN)} == {"sent"}

            # The command line drains too; a refused recipient is given up at once (5xx).
            async with db.transaction() as session:
                box = Outbox()
                box.queue(session, Email(to="bob@example.org", subject="Hello", text="Hi Bob\n"))
                box.queue(session, Email(to="x@refused.example", subject="Hello", text="Hi\n"))
            env = cli_env(
                database_url,
                port,
                MAIL_BACKEND="smtp",
                SMTP_HOST="127.0.0.1",
                SMTP_PORT=str(port),
                SMTP_STARTTLS="0",
            )
            assert cli(env, "mail", "send").strip() == "sent 1, will retry 0, gave up on 1"
            assert cli(env, "mail", "send").strip() == "sent 0, will retry 0, gave up on 0"
            assert [m["To"] for m in sink.messages] == [ANN, ANN, "bob@example.org"]
        [refused] = await outbox(database_url, "x@refused.example")
        assert refused.status == "failed" and "550" in (refused.last_error or "")
    finally:
        await db.dispose()


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app as ``serve`` runs it: with its background mail sender and sweeps."""
    await migrate(settings.database_url)
    app = create_app(settings, sweep=True)
    async with AsyncTestClient(app=app, base_url="http://127.0.0.1:9") as client:
        yield client


async def test_serve_sends_queued_mail_at_once(database_url: str) -> None:
    port = free_port()
    settings = smtp_settings(database_url, port).with_(mail_send_seconds=3600)
    with smtp_server(port) as sink:
        async with serving(settings) as client:
            answer = await client.post(
                "/account/register", json={"email": ANN, "password": PASSWORD}
            )
            assert answer.status_code == 202
            for _ in range(100):  # woken by the commit, not by the (hourly) period
                if sink.messages:
                    break
                await asyncio.sleep(0.05)
            assert [m["To"] for m in sink.messages] == [ANN]
    [row] = await outbox(database_url, ANN)
    assert row.status == "sent" and row.attempts == 1
