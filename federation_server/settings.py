"""One typed settings object for the federation server, read from the environment once.

Every knob lives here so that the app, the CLI, the delivery worker and the tests agree on
what an instance is. ``get_settings()`` caches the object built from ``os.environ``; tests
build their own with ``Settings.from_env({...})`` or ``dataclasses.replace``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

DEFAULT_ACTORS = ("blog", "events", "market")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/federation.db"


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.replace(";", ",").split(",") if part.strip())


@dataclass(frozen=True)
class ActorSettings:
    """A local actor (one per site section). The manifest's ``actors`` list refreshes the
    profile fields at publish time; these are the defaults until then."""

    name: str
    display_name: str
    summary: str = ""
    icon: str | None = None
    #: The section's static page (where a browser asking for the actor is redirected).
    url: str | None = None


@dataclass(frozen=True)
class Settings:
    """Everything an instance needs to know about itself."""

    #: Origin every ActivityPub id is minted under, e.g. ``https://social.example.coop``.
    public_url: str = "http://127.0.0.1:8001"
    #: SQLAlchemy async URL (SQLite for development, PostgreSQL in production).
    database_url: str = DEFAULT_DATABASE_URL
    #: Allow federation with private/loopback addresses (tests federate over 127.0.0.1).
    allow_private_addresses: bool = False
    #: Origin of the static site; actor ``url`` defaults to ``<site_url>/<name>/``.
    site_url: str = ""
    #: Local actors, one per site section.
    actors: tuple[ActorSettings, ...] = field(
        default_factory=lambda: tuple(
            ActorSettings(name=n, display_name=n.capitalize()) for n in DEFAULT_ACTORS
        )
    )
    #: Domains whose requests are refused (403) and to which nothing is delivered.
    blocked_domains: frozenset[str] = frozenset()
    #: Largest inbox body accepted, in bytes (larger → 413).
    max_inbox_bytes: int = 1_000_000
    #: Items per outbox/followers page.
    page_size: int = 20
    #: Seconds a fetched remote key is trusted before it is fetched again.
    key_cache_seconds: int = 24 * 3600
    #: Least seconds between two re-fetches of one remote key after failed verifications.
    key_refresh_seconds: float = 300.0
    #: Timeout for fetching remote actors and keys, seconds.
    fetch_timeout: float = 10.0
    #: Run database migrations when the app starts.
    migrate_on_start: bool = True
    #: Run the in-process delivery worker with ``serve``.
    run_worker: bool = True
    #: Process stored inbox activities in the ``serve`` process.
    run_inbox_processor: bool = True
    #: Base delay of the delivery retry curve in seconds (tests make it small).
    delivery_retry_base_seconds: float = 15.0
    #: Maximum delivery attempts before giving up.
    delivery_max_attempts: int = 16
    #: How often an idle delivery worker polls the queue, seconds.
    delivery_poll_seconds: float = 1.0
    #: Password encrypting actors' private keys at rest (PKCS#8); empty keeps them plain.
    key_password: str = ""
    #: Software name/version reported by NodeInfo.
    software_name: str = "rose-ash"
    software_version: str = "0.1.0"

    @property
    def host(self) -> str:
        """Host (with port when not default) of ``public_url``, as used in ``acct:`` URIs."""
        return urlsplit(self.public_url).netloc

    @property
    def actor_names(self) -> tuple[str, ...]:
        return tuple(actor.name for actor in self.actors)

    def actor(self, name: str) -> ActorSettings | None:
        return next((a for a in self.actors if a.name == name), None)

    def is_blocked(self, domain: str | None) -> bool:
        """True when ``domain`` or one of its parent domains is on the blocklist."""
        if not domain:
            return False
        domain = domain.lower().rstrip(".")
        parts = domain.split(".")
        return any(".".join(parts[i:]) in self.blocked_domains for i in range(len(parts)))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables (``os.environ`` by default)."""
        env = os.environ if env is None else env
        public_url = env.get("PUBLIC_URL", cls.public_url).rstrip("/")
        site_url = env.get("SITE_URL", public_url).rstrip("/")
        names = _list(env.get("FEDERATION_ACTORS")) or DEFAULT_ACTORS
        actors = tuple(
            ActorSettings(
                name=name,
                display_name=env.get(f"FEDERATION_ACTOR_{name.upper()}_NAME", name.capitalize()),
                summary=env.get(f"FEDERATION_ACTOR_{name.upper()}_SUMMARY", ""),
                icon=env.get(f"FEDERATION_ACTOR_{name.upper()}_ICON") or None,
                url=f"{site_url}/{name}/",
            )
            for name in names
        )
        return cls(
            public_url=public_url,
            database_url=env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            allow_private_addresses=_bool(env.get("FEDERATION_ALLOW_PRIVATE_ADDRESSES")),
            site_url=site_url,
            actors=actors,
            blocked_domains=frozenset(
                d.lower() for d in _list(env.get("FEDERATION_BLOCKED_DOMAINS"))
            ),
            max_inbox_bytes=int(env.get("FEDERATION_MAX_INBOX_BYTES", cls.max_inbox_bytes)),
            page_size=int(env.get("FEDERATION_PAGE_SIZE", cls.page_size)),
            key_cache_seconds=int(env.get("FEDERATION_KEY_CACHE_SECONDS", cls.key_cache_seconds)),
            key_refresh_seconds=float(
                env.get("FEDERATION_KEY_REFRESH_SECONDS", cls.key_refresh_seconds)
            ),
            fetch_timeout=float(env.get("FEDERATION_FETCH_TIMEOUT", cls.fetch_timeout)),
            migrate_on_start=_bool(env.get("FEDERATION_MIGRATE_ON_START"), True),
            run_worker=_bool(env.get("FEDERATION_RUN_WORKER"), True),
            run_inbox_processor=_bool(env.get("FEDERATION_RUN_INBOX_PROCESSOR"), True),
            delivery_retry_base_seconds=float(
                env.get("FEDERATION_DELIVERY_RETRY_BASE_SECONDS", cls.delivery_retry_base_seconds)
            ),
            delivery_max_attempts=int(
                env.get("FEDERATION_DELIVERY_MAX_ATTEMPTS", cls.delivery_max_attempts)
            ),
            key_password=env.get("FEDERATION_KEY_PASSWORD", ""),
            delivery_poll_seconds=float(
                env.get("FEDERATION_DELIVERY_POLL_SECONDS", cls.delivery_poll_seconds)
            ),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings.from_env()
