"""Email through a database outbox: services queue an :class:`Email` in their own
transaction (:class:`Outbox`); :func:`send_queued` delivers queued rows over SMTP with retries
(``python -m commerce_api mail send``, and periodically inside ``serve``). A request never
talks to SMTP, so a relay outage delays mail but never fails a registration or a reset."""

from commerce_api.mail._drain import DrainReport, RetryPolicy, send_queued
from commerce_api.mail._message import Email, Outbox
from commerce_api.mail._smtp import SmtpTransport, Transport
from commerce_api.mail._states import FAILED, QUEUED, SENT

__all__ = [
    "FAILED",
    "QUEUED",
    "SENT",
    "DrainReport",
    "Email",
    "Outbox",
    "RetryPolicy",
    "SmtpTransport",
    "Transport",
    "send_queued",
]
