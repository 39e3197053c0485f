"""Account rules: register, verify the email, sign in, reset a password.

Plain async code over a :class:`~commerce_api.db.Database`, the mail outbox and the password
hasher, so tests call it directly and handlers stay thin. Every email is queued in the same
transaction as the token it carries, so SMTP being down never fails a request. No answer (or
timing) tells whether an email is registered: registering an existing address mails its owner
instead, and a reset for an unknown address silently does nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.db import Database, utcnow
from commerce_api.db.models import EmailToken, User
from commerce_api.domain.identity._errors import (
    EmailNotVerified,
    InvalidCredentials,
    InvalidLink,
    WeakPassword,
)
from commerce_api.domain.identity._passwords import Passwords, PasswordTooWeak
from commerce_api.domain.identity._sessions import end_all_sessions
from commerce_api.domain.identity._throttle import Throttle, account_key, address_key
from commerce_api.errors import InvalidInput
from commerce_api.mail import Email, Outbox
from commerce_api.settings import Settings
from commerce_api.tokens import hash_token, new_token

__all__ = ["Accounts", "normalise_email"]

VERIFY = "verify_email"
RESET = "reset_password"
#: Emails we send on request (registration, reset), per recipient and per client address, per
#: hour: enough for a person, too few to turn us into someone's mail bomb.
MAILS_PER_RECIPIENT = 5
MAILS_PER_ADDRESS = 20
MAIL_WINDOW = timedelta(hours=1)


def normalise_email(raw: str) -> str:
    """Trimmed and lower-cased; rejects what cannot be an address (422 naming ``email``)."""
    email = raw.strip().lower()
    local, _, domain = email.rpartition("@")
    if not local or "." not in domain or len(email) > 320 or any(c.isspace() for c in email):
        raise InvalidInput("not an email address", field="email")
    return email


def _check_password(passwords: Passwords, password: str) -> None:
    try:
        passwords.check_policy(password)
    except PasswordTooWeak as exc:
        raise WeakPassword(str(exc), field="password") from None


@dataclass
class Accounts:
    db: Database
    settings: Settings
    outbox: Outbox
    passwords: Passwords

    @property
    def throttle(self) -> Throttle:
        s = self.settings
        return Throttle(
            s.signin_failures_per_account,
            s.signin_failures_per_address,
            timedelta(seconds=s.signin_failure_window_seconds),
        )

    async def _spend_mail_budget(self, email: str, address: str) -> None:
        """429 past the per-recipient or per-address budget (same for unknown emails)."""
        throttle = Throttle(
            MAILS_PER_RECIPIENT,
            MAILS_PER_ADDRESS,
            MAIL_WINDOW,
            "Too many emails requested; wait before asking again.",
        )
        keys = ("mailto:" + hash_token(email)[:40], "mailfrom:" + address[:80])
        async with self.db.transaction() as session:
            await throttle.reserve(session, *keys)

    def _link(self, path: str, token: str) -> str:
        return f"{self.settings.public_url}{path}?{urlencode({'token': token})}"

    async def _issue(self, session: AsyncSession, user: User, purpose: str, ttl: timedelta) -> str:
        token = new_token()
        session.add(
            EmailToken(
                user_id=user.id,
                purpose=purpose,
                token_hash=hash_token(token),
                expires_at=utcnow() + ttl,
            )
        )
        return token

    async def user_by_email(self, session: AsyncSession, email: str) -> User | None:
        return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()

    async def create_user(
        self, email: str, password: str, *, verified: bool = False, display_name: str | None = None
    ) -> User:
        """Create an account directly (the admin command); the caller checks for duplicates."""
        email = normalise_email(email)
        _check_password(self.passwords, password)
        password_hash = await self.passwords.hash(password)
        async with self.db.transaction() as session:
            user = User(
                public_id=str(uuid.uuid4()),
                email=email,
                password_hash=password_hash,
                display_name=display_name,
                email_verified_at=utcnow() if verified else None,
            )
            session.add(user)
        return user

    async def register(
        self,
        email: str,
        password: str,
        display_name: str | None = None,
        *,
        address: str = "unknown",
    ) -> None:
        """Always the same answer; the mailbox's owner learns what happened."""
        email = normalise_email(email)
        _check_password(self.passwords, password)
        await self._spend_mail_budget(email, address)
        password_hash = await self.passwords.hash(password)  # same cost either way
        async with self.db.transaction() as session:
            existing = await self.user_by_email(session, email)
            if existing is not None:
                message = Email(
                    to=email,
                    subject="Someone tried to register with your address",
                    text=(
                        "Someone (maybe you) tried to create a Rose Ash account with this "
                        "address, which already has one. If you forgot your password, reset "
                        f"it here: {self.settings.public_url}/auth/forgot-password\n"
                    ),
                )
            else:
                user = User(
                    public_id=str(uuid.uuid4()),
                    email=email,
                    password_hash=password_hash,
                    display_name=(display_name or "").strip()[:200] or None,
                )
                session.add(user)
                await session.flush()
                token = await self._issue(
                    session, user, VERIFY, timedelta(hours=self.settings.verify_token_hours)
                )
                message = Email(
                    to=email,
                    subject="Confirm your email address",
                    text=(
                        "Welcome to Rose Ash. Confirm your address to finish creating your "
                        f"account:\n\n{self._link('/auth/verify-email', token)}\n\n"
                        f"The link works once, for {self.settings.verify_token_hours} hours.\n"
                    ),
                )
            self.outbox.queue(session, message)

    async def _consume(self, session: AsyncSession, token: str, purpose: str) -> User:
        """Mark a valid email token used (atomically: a second use finds nothing)."""
        now = utcnow()
        row = (
            await session.execute(
                update(EmailToken)
                .where(
                    EmailToken.token_hash == hash_token(token),
                    EmailToken.purpose == purpose,
                    EmailToken.used_at.is_(None),
                    EmailToken.expires_at > now,
                )
                .values(used_at=now)
                .returning(EmailToken.user_id)
            )
        ).first()
        if row is None:
            raise InvalidLink("ask for a new email", field="token")
        return await session.get_one(User, row[0])

    async def verify_email(self, token: str) -> User:
        async with self.db.transaction() as session:
            user = await self._consume(session, token, VERIFY)
            if user.email_verified_at is None:
                user.email_verified_at = utcnow()
            return user

    async def authenticate(self, email: str, password: str, address: str) -> User:
        """The member for these credentials, or :class:`InvalidCredentials`; failures are
        counted per account and per address and past the limit answer 429 first. The attempt
        is reserved (counted) before the password is checked and given back on success, so
        concurrent guesses cannot exceed the limit."""
        try:
            email = normalise_email(email)
        except InvalidInput:
            email = email.strip().lower()[:320]
        account, addr = account_key(email), address_key(address)
        throttle = self.throttle
        async with self.db.transaction() as session:
            reservation = await throttle.reserve(session, account, addr)
            user = await self.user_by_email(session, email)
        ok = await self.passwords.verify(user.password_hash if user else None, password)
        if not ok or user is None:
            raise InvalidCredentials("check the email address and password")
        async with self.db.transaction() as session:
            await throttle.release(session, reservation)
            await throttle.clear(session, account)
            if self.passwords.needs_rehash(user.password_hash):
                fresh = await self.passwords.hash(password)
                await session.execute(
                    update(User).where(User.id == user.id).values(password_hash=fresh)
                )
        if user.email_verified_at is None:
            raise EmailNotVerified("follow the link we emailed you", field="email")
        return user

    async def request_password_reset(self, email: str, *, address: str = "unknown") -> None:
        try:
            email = normalise_email(email)
        except InvalidInput:
            return
        await self._spend_mail_budget(email, address)
        async with self.db.transaction() as session:
            user = await self.user_by_email(session, email)
            if user is None:
                return
            token = await self._issue(
                session, user, RESET, timedelta(minutes=self.settings.reset_token_minutes)
            )
            self.outbox.queue(
                session,
                Email(
                    to=email,
                    subject="Reset your password",
                    text=(
                        "Choose a new Rose Ash password here:\n\n"
                        f"{self._link('/auth/reset-password', token)}\n\n"
                        f"The link works once, for {self.settings.reset_token_minutes} minutes. "
                        "If you did not ask for it, ignore this email.\n"
                    ),
                ),
            )

    async def reset_password(self, token: str, password: str) -> User:
        """Set a new password; every session and OAuth token of the member ends, and so does
        every other reset link still outstanding (a spare link must not reset it again)."""
        _check_password(self.passwords, password)
        password_hash = await self.passwords.hash(password)
        from commerce_api.db.models import OAuthToken

        async with self.db.transaction() as session:
            user = await self._consume(session, token, RESET)
            await session.execute(
                update(EmailToken)
                .where(
                    EmailToken.user_id == user.id,
                    EmailToken.purpose == RESET,
                    EmailToken.used_at.is_(None),
                )
                .values(used_at=utcnow())
            )
            user.password_hash = password_hash
            user.password_changed_at = utcnow()
            # Following the reset link also proves the mailbox.
            if user.email_verified_at is None:
                user.email_verified_at = utcnow()
            await end_all_sessions(session, user.id)
            await session.execute(
                update(OAuthToken)
                .where(OAuthToken.user_id == user.id, OAuthToken.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            return user
