"""One mailer interface: an outbox table by default (a fresh clone and the tests read it),
SMTP in production (``MAIL_BACKEND=smtp``)."""

from commerce_api.mail._mailer import Email, Mailer, OutboxMailer, SmtpMailer, make_mailer

__all__ = ["Email", "Mailer", "OutboxMailer", "SmtpMailer", "make_mailer"]
