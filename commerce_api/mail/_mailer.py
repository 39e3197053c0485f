"""The mailer interface and its two implementations.

Message bodies hold single-use links; nothing here logs them.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from commerce_api.mail.models import OutboxMessage

__all__ = ["Email", "Mailer", "OutboxMailer", "SmtpMailer", "make_mailer"]


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """Extra headers, e.g. ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC 8058)."""


class Mailer(Protocol):
    async def send(self, email: Email) -> None: ...


class OutboxMailer:
    """Stores each message in ``mail_outbox`` instead of sending it."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def send(self, email: Email) -> None:
        async with self._sessions() as session, session.begin():
            session.add(
                OutboxMessage(
                    to_address=email.to,
                    subject=email.subject,
                    body_text=email.text,
                    headers=dict(email.headers),
                )
            )


@dataclass(frozen=True)
class SmtpMailer:
    """Sends through an SMTP relay (STARTTLS unless told otherwise), in a worker thread."""

    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    starttls: bool = True
    sender: str = "Rose Ash <no-reply@localhost>"
    timeout: float = 20.0

    def _message(self, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        for name, value in email.headers.items():
            message[name] = value
        message.set_content(email.text)
        return message

    def _send(self, email: Email) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(self._message(email))

    async def send(self, email: Email) -> None:
        await asyncio.to_thread(self._send, email)


def make_mailer(
    backend: str,
    sessions: async_sessionmaker[AsyncSession],
    *,
    smtp: SmtpMailer | None = None,
) -> Mailer:
    if backend not in ("outbox", "smtp"):
        raise ValueError(f"MAIL_BACKEND must be 'outbox' or 'smtp', not {backend!r}")
    if backend == "smtp":
        if smtp is None:
            raise ValueError("MAIL_BACKEND=smtp needs SMTP_HOST")
        return smtp
    return OutboxMailer(sessions)
