"""One typed settings object for the commerce API, read from the environment once.

Everything configurable lives here so the rest of the code takes a ``Settings`` and never reads
``os.environ`` itself; tests build their own ``Settings(...)`` instead of patching the
environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

__all__ = ["Settings", "SettingsError", "get_settings"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/commerce.db"
DEV_SECRET_KEY = "insecure-development-secret-change-me"


class SettingsError(ValueError):
    """An environment variable holds a value the API cannot use (names the variable)."""


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip().rstrip("/") for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Configuration of one commerce API process."""

    database_url: str = DEFAULT_DATABASE_URL
    """SQLAlchemy async URL: ``sqlite+aiosqlite:///...`` (default) or ``postgresql+asyncpg://``."""
    site_url: str = "http://127.0.0.1:8080"
    """The static site's public URL (where shoppers come from and are sent back to)."""
    public_url: str = "http://127.0.0.1:8000"
    """This API's own public URL; SumUp's webhook and the shopper's return point here."""
    allowed_origins: tuple[str, ...] = ()
    """Origins allowed by CORS (with credentials); empty means just ``site_url``."""
    sumup_api_url: str = "https://api.sumup.com"
    sumup_api_key: str = ""
    sumup_merchant_code: str = ""
    sumup_timeout_seconds: float = 10.0
    """Per-request timeout towards SumUp; past it the shopper gets a 503 and can retry."""
    secret_key: str = DEV_SECRET_KEY
    """Signing secret (sessions, tokens). Must be set in production."""
    reservation_minutes: int = 15
    """How long a pending order holds its stock before the expiry sweep releases it."""
    expiry_sweep_seconds: int = 60
    """How often ``serve`` runs the expiry sweep and the refund pass (0 disables the task)."""
    refund_retry_seconds: int = 60
    """First wait after a refund SumUp did not confirm; doubles per attempt, at most a day."""
    max_body_bytes: int = 64 * 1024
    """Larger request bodies are refused with 413."""
    order_return_path: str = "/order/"
    """Page on the static site that shows an order; the shopper lands there after paying."""
    booking_max_places: int = 4
    """Free events: at most this many places per booking, and per email address (or member)
    and event, so nobody can hoard the free places."""
    catalog_path: str | None = None
    """If set, ``serve`` syncs the catalogue from this ``catalog.json`` at start-up."""
    # --- identity, newsletters and OAuth (commerce_api.domain.identity, commerce_api.oauth) ---
    session_cookie_name: str = "ra_session"
    session_days: int = 30
    """A browser session lasts this long after sign-in."""
    verify_token_hours: int = 48
    reset_token_minutes: int = 60
    signin_failures_per_account: int = 5
    signin_failures_per_address: int = 20
    signin_failure_window_seconds: int = 900
    """More failed sign-ins than the limits within this window answer 429."""
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 64 * 1024
    argon2_parallelism: int = 4
    """Argon2id parameters (RFC 9106 low-memory profile by default)."""
    mail_backend: str = "outbox"
    """``outbox`` (mail stays in the ``mail_outbox`` table; default) or ``smtp`` (the drain
    sends it). Either way a request only queues mail, in its own transaction."""
    mail_send_seconds: int = 10
    """How often ``serve`` drains the outbox over SMTP (0: only ``mail send`` does)."""
    mail_retry_seconds: int = 30
    """First wait after a failed delivery; doubles per attempt, at most an hour."""
    mail_max_attempts: int = 8
    """A message that failed this many times is marked ``failed``."""
    mail_from: str = "Rose Ash <no-reply@localhost>"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    dev_mailbox: bool = False
    """``DEV_MAILBOX=1`` (``make serve`` only): the outbox as a page at ``/_dev/mail``. Never
    mounted with a real ``SECRET_KEY``, whatever this says (see commerce_api.dev_mail)."""
    oauth_code_seconds: int = 60
    oauth_access_token_seconds: int = 600
    oauth_refresh_token_days: int = 30
    oauth_id_token_seconds: int = 600

    @property
    def cors_origins(self) -> tuple[str, ...]:
        return self.allowed_origins or (self.site_url.rstrip("/"),)

    @property
    def cookie_secure(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def webhook_url(self) -> str:
        return f"{self.public_url.rstrip('/')}/webhooks/sumup"

    def return_url(self, order_token: str) -> str:
        """Where SumUp sends the shopper's browser after the hosted checkout."""
        return f"{self.public_url.rstrip('/')}/checkout/return/{order_token}"

    def order_page_url(self, order_token: str) -> str:
        return f"{self.site_url.rstrip('/')}{self.order_return_path}?order={order_token}"

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (tests use this)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every field from ``env`` (default ``os.environ``); bad values raise
        :class:`SettingsError` naming the variable."""
        env = os.environ if env is None else env

        def text(name: str, default: str) -> str:
            return env.get(name, default).strip() or default

        def number(name: str, default: int, *, minimum: int = 0) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
            if value < minimum:
                raise SettingsError(f"{name} must be at least {minimum}, got {value}")
            return value

        def decimal(name: str, default: float) -> float:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise SettingsError(f"{name} must be a number, got {raw!r}") from None
            if value <= 0:
                raise SettingsError(f"{name} must be positive, got {raw}")
            return value

        mail_backend = text("MAIL_BACKEND", cls.mail_backend)
        if mail_backend not in ("outbox", "smtp"):
            raise SettingsError(f"MAIL_BACKEND must be 'outbox' or 'smtp', not {mail_backend!r}")
        if mail_backend == "smtp" and not env.get("SMTP_HOST", "").strip():
            raise SettingsError("MAIL_BACKEND=smtp needs SMTP_HOST")
        database_url = text("DATABASE_URL", DEFAULT_DATABASE_URL)
        if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SettingsError(
                "DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        return cls(
            database_url=database_url,
            site_url=text("SITE_URL", cls.site_url).rstrip("/"),
            public_url=text("PUBLIC_URL", cls.public_url).rstrip("/"),
            allowed_origins=_split(env.get("ALLOWED_ORIGINS", "")),
            sumup_api_url=text("SUMUP_API_URL", cls.sumup_api_url).rstrip("/"),
            sumup_api_key=env.get("SUMUP_API_KEY", "").strip(),
            sumup_merchant_code=env.get("SUMUP_MERCHANT_CODE", "").strip(),
            sumup_timeout_seconds=decimal("SUMUP_TIMEOUT_SECONDS", cls.sumup_timeout_seconds),
            secret_key=text("SECRET_KEY", DEV_SECRET_KEY),
            reservation_minutes=number("RESERVATION_MINUTES", 15, minimum=1),
            expiry_sweep_seconds=number("EXPIRY_SWEEP_SECONDS", 60),
            refund_retry_seconds=number("REFUND_RETRY_SECONDS", 60, minimum=1),
            max_body_bytes=number("MAX_BODY_BYTES", 64 * 1024, minimum=1024),
            order_return_path=text("ORDER_RETURN_PATH", cls.order_return_path),
            booking_max_places=number("BOOKING_MAX_PLACES", cls.booking_max_places, minimum=1),
            catalog_path=env.get("CATALOG_PATH", "").strip() or None,
            session_cookie_name=text("SESSION_COOKIE_NAME", cls.session_cookie_name),
            session_days=number("SESSION_DAYS", cls.session_days, minimum=1),
            verify_token_hours=number("VERIFY_TOKEN_HOURS", cls.verify_token_hours, minimum=1),
            reset_token_minutes=number("RESET_TOKEN_MINUTES", cls.reset_token_minutes, minimum=1),
            signin_failures_per_account=number(
                "SIGNIN_FAILURES_PER_ACCOUNT", cls.signin_failures_per_account, minimum=1
            ),
            signin_failures_per_address=number(
                "SIGNIN_FAILURES_PER_ADDRESS", cls.signin_failures_per_address, minimum=1
            ),
            signin_failure_window_seconds=number(
                "SIGNIN_FAILURE_WINDOW_SECONDS", cls.signin_failure_window_seconds, minimum=1
            ),
            argon2_time_cost=number("ARGON2_TIME_COST", cls.argon2_time_cost, minimum=1),
            argon2_memory_kib=number("ARGON2_MEMORY_KIB", cls.argon2_memory_kib, minimum=8),
            argon2_parallelism=number("ARGON2_PARALLELISM", cls.argon2_parallelism, minimum=1),
            mail_backend=mail_backend,
            mail_send_seconds=number("MAIL_SEND_SECONDS", cls.mail_send_seconds),
            mail_retry_seconds=number("MAIL_RETRY_SECONDS", cls.mail_retry_seconds, minimum=1),
            mail_max_attempts=number("MAIL_MAX_ATTEMPTS", cls.mail_max_attempts, minimum=1),
            mail_from=text("MAIL_FROM", cls.mail_from),
            smtp_host=env.get("SMTP_HOST", "").strip(),
            smtp_port=number("SMTP_PORT", cls.smtp_port, minimum=1),
            smtp_username=env.get("SMTP_USERNAME", "").strip(),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_starttls=env.get("SMTP_STARTTLS", "1").strip().lower() not in ("0", "false", "no"),
            dev_mailbox=env.get("DEV_MAILBOX", "").strip().lower() in ("1", "true", "yes"),
            oauth_code_seconds=number("OAUTH_CODE_SECONDS", cls.oauth_code_seconds, minimum=1),
            oauth_access_token_seconds=number(
                "OAUTH_ACCESS_TOKEN_SECONDS", cls.oauth_access_token_seconds, minimum=1
            ),
            oauth_refresh_token_days=number(
                "OAUTH_REFRESH_TOKEN_DAYS", cls.oauth_refresh_token_days, minimum=1
            ),
            oauth_id_token_seconds=number(
                "OAUTH_ID_TOKEN_SECONDS", cls.oauth_id_token_seconds, minimum=1
            ),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings.from_env()
