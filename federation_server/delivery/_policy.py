"""Pure delivery scheduling: how a response is classified, when to retry, host health.

No I/O here: the worker feeds these functions what happened and stores what they return,
so every rule can be unit-tested with plain values.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = [
    "HostHealth",
    "Outcome",
    "backoff_seconds",
    "classify",
    "parse_retry_after",
    "retry_at",
]

#: 4xx answers that may succeed later (Mastodon retries exactly these).
RETRYABLE_CLIENT_ERRORS = frozenset({401, 408, 429})
#: The longest ``Retry-After`` we honour; a remote asking for more is retried after this.
MAX_RETRY_AFTER_SECONDS = 24 * 3600.0


class Outcome(enum.Enum):
    """What one delivery attempt means for the job."""

    DELIVERED = "delivered"
    #: Try again later (network error, 5xx, 401/408/429).
    RETRY = "retry"
    #: The receiver refused for good (other 4xx, 501); never retried.
    REJECTED = "rejected"
    #: 410 Gone: the inbox's actor no longer exists; its follower entry goes too.
    GONE = "gone"


def classify(status: int | None) -> Outcome:
    """Classify an HTTP status (``None`` for a network error or timeout)."""
    if status is None:
        return Outcome.RETRY
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status == 410:
        return Outcome.GONE
    if 400 <= status < 500:
        return Outcome.RETRY if status in RETRYABLE_CLIENT_ERRORS else Outcome.REJECTED
    if status == 501:
        return Outcome.REJECTED
    return Outcome.RETRY


def backoff_seconds(
    attempt: int, *, base: float = 15.0, rand: Callable[[], float] = random.random
) -> float:
    """Delay after failed attempt ``attempt`` (1-based): Mastodon's ``n^4 + 15 + rand*30*(n+1)``.

    ``base`` scales the whole curve (15 s is Mastodon's; tests use a tiny one). Sixteen
    attempts span about 2.8 days, as Mastodon's do.
    """
    scale = base / 15.0
    return (attempt**4 + 15 + rand() * 30 * (attempt + 1)) * scale


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay or HTTP date), capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - now).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def retry_at(
    attempts: int,
    now: datetime,
    *,
    max_attempts: int,
    base: float = 15.0,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> datetime | None:
    """When to try again after ``attempts`` failures, or ``None`` when the job gives up."""
    if attempts >= max_attempts:
        return None
    delay = backoff_seconds(attempts, base=base, rand=rand)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + timedelta(seconds=delay)


@dataclass(frozen=True, slots=True)
class HostHealth:
    """A remote host's record: a circuit breaker and Mastodon's "unavailable" rule.

    The breaker opens after ``failure_threshold`` failures in a row and holds deliveries to
    the host back for ``open_seconds``. A host that failed on ``unavailable_after_days``
    distinct days (with no success in between) is unavailable: it is tried at most once a day
    until it answers again.
    """

    consecutive_failures: int = 0
    failure_days: tuple[str, ...] = ()
    unavailable: bool = False
    open_until: datetime | None = None

    failure_threshold: int = 10
    open_seconds: float = 60.0
    unavailable_after_days: int = 7
    unavailable_probe_seconds: float = 24 * 3600.0

    def is_open(self, now: datetime) -> bool:
        """True while deliveries to this host are held back."""
        return self.open_until is not None and now < self.open_until

    def succeeded(self) -> HostHealth:
        return replace(
            self, consecutive_failures=0, failure_days=(), unavailable=False, open_until=None
        )

    def failed(self, now: datetime) -> HostHealth:
        day = now.date().isoformat()
        days = self.failure_days if day in self.failure_days else (*self.failure_days, day)
        failures = self.consecutive_failures + 1
        unavailable = self.unavailable or len(days) >= self.unavailable_after_days
        open_until = self.open_until
        if unavailable:
            open_until = now + timedelta(seconds=self.unavailable_probe_seconds)
        elif failures >= self.failure_threshold:
            open_until = now + timedelta(seconds=self.open_seconds)
        return replace(
            self,
            consecutive_failures=failures,
            failure_days=days,
            unavailable=unavailable,
            open_until=open_until,
        )
