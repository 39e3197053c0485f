"""The SMTP mailer against a real SMTP server on loopback (aiosmtpd): production's path."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.accounts.helpers import PASSWORD, api, make_settings, outbox
from tests.conftest import free_port


class Sink:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


async def test_registration_mail_goes_out_by_smtp(
    database_url: str, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    settings = make_settings(
        database_url,
        mail_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        mail_from="Rose Ash <hello@rose-ash.example.coop>",
    )
    async with api(settings) as client:
        answer = await client.post(
            "/account/register", json={"email": "ann@example.org", "password": PASSWORD}
        )
        assert answer.status_code == 202
    assert await outbox(database_url) == []
    [message] = sink.messages
    assert message["To"] == "ann@example.org"
    assert message["From"] == "Rose Ash <hello@rose-ash.example.coop>"
    assert "/auth/verify-email?token=" in message.get_payload(decode=True).decode()
