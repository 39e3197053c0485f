"""Sending one message over SMTP (``smtplib`` in a worker thread)."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from commerce_api.db.models import OutboxMessage
from commerce_api.settings import Settings

__all__ = ["SmtpTransport", "Transport"]


class Transport(Protocol):
    """Delivers one queued message or raises (``OSError``/``smtplib.SMTPException``)."""

    async def deliver(self, message: OutboxMessage) -> None: ...


@dataclass(frozen=True)
class SmtpTransport:
    """An SMTP relay (STARTTLS unless told otherwise)."""

    host: str
    port: int = 587
    username: str = ""
    password: str = ""
    starttls: bool = True
    sender: str = "Rose Ash <no-reply@localhost>"
    timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpTransport:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            sender=settings.mail_from,
        )

    def _email(self, message: OutboxMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to_address
        email["Subject"] = message.subject
        for name, value in (message.headers or {}).items():
            email[name] = value
        email.set_content(message.body_text)
        return email

    def _send(self, message: OutboxMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(self._email(message))

    async def deliver(self, message: OutboxMessage) -> None:
        await asyncio.to_thread(self._send, message)
