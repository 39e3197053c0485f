"""The identity sweep: delete what can no longer be used, so tables stay small and spent
secrets do not linger (``python -m commerce_api sweep``, and periodically inside ``serve``).

What goes, and why it is safe:

* browser sessions past ``expires_at`` (they are refused anyway);
* email tokens that are used or expired (refused either way);
* OAuth codes expired for over a day (kept that long so a replayed code still revokes the
  tokens it led to);
* OAuth tokens whose access *and* refresh token have expired (a spent refresh token is kept
  until then, so its reuse is still detected);
* sign-in failures older than a day (throttle windows are shorter);
* sent mail older than :data:`SENT_MAIL_DAYS`;
* signing keys whose every ID token has expired (see :mod:`commerce_api.oauth.keys`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.sql import Executable

from commerce_api.db import Database, utcnow
from commerce_api.db.models import (
    AuthFailure,
    EmailToken,
    OAuthCode,
    OAuthToken,
    OutboxMessage,
    WebSession,
)
from commerce_api.mail import SENT
from commerce_api.oauth.keys import prune_retired_keys
from commerce_api.settings import Settings
from server_kernel.db import rows_affected

__all__ = ["SweepReport", "sweep_identity"]

CODE_GRACE = timedelta(days=1)
FAILURE_MAX_AGE = timedelta(days=1)
SENT_MAIL_DAYS = 30


@dataclass
class SweepReport:
    sessions: int = 0
    email_tokens: int = 0
    oauth_codes: int = 0
    oauth_tokens: int = 0
    auth_failures: int = 0
    sent_mail: int = 0
    signing_keys: int = 0

    def summary(self) -> str:
        return ", ".join(
            f"{f.name.replace('_', ' ')} {getattr(self, f.name)}" for f in fields(self)
        )


async def sweep_identity(
    db: Database, settings: Settings, *, now: datetime | None = None
) -> SweepReport:
    """Delete expired identity rows as of ``now`` (default: the current time)."""
    now = now or utcnow()
    report = SweepReport()
    async with db.transaction() as session:

        async def gone(statement: Executable) -> int:
            return rows_affected(await session.execute(statement))

        report.sessions = await gone(delete(WebSession).where(WebSession.expires_at <= now))
        report.email_tokens = await gone(
            delete(EmailToken).where(
                or_(EmailToken.expires_at <= now, EmailToken.used_at.is_not(None))
            )
        )
        report.oauth_codes = await gone(
            delete(OAuthCode).where(OAuthCode.expires_at <= now - CODE_GRACE)
        )
        report.oauth_tokens = await gone(
            delete(OAuthToken).where(
                OAuthToken.access_expires_at <= now,
                or_(
                    OAuthToken.refresh_expires_at.is_(None),
                    OAuthToken.refresh_expires_at <= now,
                ),
            )
        )
        report.auth_failures = await gone(
            delete(AuthFailure).where(AuthFailure.failed_at < now - FAILURE_MAX_AGE)
        )
        report.sent_mail = await gone(
            delete(OutboxMessage).where(
                OutboxMessage.status == SENT,
                OutboxMessage.sent_at < now - timedelta(days=SENT_MAIL_DAYS),
            )
        )
        report.signing_keys = await prune_retired_keys(
            session, timedelta(seconds=settings.oauth_id_token_seconds), now
        )
    return report
