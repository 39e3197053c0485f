"""Email through a database outbox: services queue an :class:`Email` in their own
transaction (:class:`Outbox`); :func:`send_queued` delivers queued rows over SMTP with retries
(``python -m commerce_api mail send``, and inside ``serve`` the :class:`MailSender`). A request
never talks to SMTP, so a relay outage delays mail but never fails a registration or a reset."""

from commerce_api.mail._drain import DrainReport, RetryPolicy, send_queued
from commerce_api.mail._message import Email, Outbox
from commerce_api.mail._smtp import SmtpTransport, Transport
from commerce_api.mail._states import FAILED, QUEUED, SENT
from commerce_api.mail._worker import MailSender, retry_policy

__all__ = [
    "FAILED",
    "QUEUED",
    "SENT",
    "DrainReport",
    "Email",
    "MailSender",
    "Outbox",
    "RetryPolicy",
    "SmtpTransport",
    "Transport",
    "retry_policy",
    "send_queued",
]
