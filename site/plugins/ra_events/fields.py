"""Front matter of an event file, parsed into typed values plus a list of problems.

Every parser returns what it could understand and records what it could not, so a file with
three mistakes yields three error lines in one build, never a traceback.

Compact syntaxes (documented in content/events/README.md):

- ``venue: Name | Street | Locality | Postal code | GB`` (country: ISO 3166 alpha-2)
- ``tickets: adult | Adult | 500 | GBP | 120; child | Child | 0 | GBP | 40``
  (ticket slug | label | price in minor units | ISO 4217 currency | capacity), entries separated
  by ``;`` or written one per indented line; a price of 0 is a free booking (RSVP).
- ``rrule: FREQ=WEEKLY;BYDAY=SA;UNTIL=20270626`` (RFC 5545; a local UNTIL is converted to UTC).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from dateutil.rrule import rrulestr
from icalendar import vRecur

from .money import format_price, is_known_currency

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DISPLAY_FORMAT = "%Y-%m-%d %H:%M"
EVENT_STATUSES = {
    "scheduled": "EventScheduled",
    "cancelled": "EventCancelled",
    "postponed": "EventPostponed",
    "rescheduled": "EventRescheduled",
}
_COUNTRIES = frozenset(
    code for code in Locale("en").territories if isinstance(code, str) and len(code) == 2
)


@dataclass(frozen=True)
class Venue:
    """Where an event happens (schema.org Place with a PostalAddress)."""

    name: str
    street: str
    locality: str
    postal_code: str
    country: str

    def one_line(self) -> str:
        return ", ".join(p for p in (self.name, self.street, self.locality, self.postal_code) if p)


@dataclass(frozen=True)
class TicketType:
    """One way to attend: a price (minor units, 0 = free RSVP) and how many places."""

    slug: str
    label: str
    price: int
    currency: str
    capacity: int

    @property
    def display_price(self) -> str:
        return format_price(self.price, self.currency)

    @property
    def is_free(self) -> bool:
        return self.price == 0


@dataclass
class Problems:
    """Field-level problems found in one file, in the order they were found."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        self.items.append((field_name, message))

    def __bool__(self) -> bool:
        return bool(self.items)


def text(value: Any) -> str:
    """A metadata value as one string (multi-line values arrive as lists)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value).strip()
    return str(value).strip()


def parse_timezone(value: Any, default: str, problems: Problems) -> ZoneInfo:
    name = text(value) or default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.add("timezone", f"{name} is not a known IANA time zone")
        return ZoneInfo(default)


def parse_local_datetime(
    field_name: str, value: Any, zone: tzinfo, problems: Problems
) -> datetime | None:
    """``2026-12-12 10:00`` (local to `zone`) -> an aware datetime; None if missing or bad."""
    if isinstance(value, datetime):
        parsed = value
    else:
        raw = text(value)
        if not raw:
            problems.add(field_name, "missing (expected YYYY-MM-DD HH:MM)")
            return None
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            problems.add(field_name, f"{raw} is not a date and time (expected YYYY-MM-DD HH:MM)")
            return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone)
    return parsed.astimezone(zone)


#: Recurrences an event may have (sub-daily rules are refused, see parse_rrule).
EVENT_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
#: How far after the start an exdate may be.
EXDATE_HORIZON = timedelta(days=36525)


def parse_rrule(value: Any, start: datetime | None, zone: tzinfo, problems: Problems) -> str:
    """Validate an RRULE and return it normalised (UNTIL in UTC), or "" if absent or bad."""
    raw = text(value)
    if raw.upper().startswith("RRULE:"):
        raw = raw[len("RRULE:") :]
    if not raw:
        return ""
    try:
        recur = vRecur.from_ical(raw)
        if "FREQ" not in recur:
            raise ValueError("FREQ is required")
        if str(recur["FREQ"][0]).upper() not in EVENT_FREQUENCIES:
            # dateutil walks a sub-daily rule second by second: one that never matches
            # (BYMONTHDAY=30;BYMONTH=2) kept the build busy for minutes.
            raise ValueError("an event repeats at most daily: DAILY, WEEKLY, MONTHLY or YEARLY")
        if "UNTIL" in recur and "COUNT" in recur:
            raise ValueError("UNTIL and COUNT cannot both be given")
        if "UNTIL" in recur:
            recur["UNTIL"] = [_until_utc(recur["UNTIL"][0], zone)]
        normalised = recur.to_ical().decode()
        if start is not None and next(iter(rrulestr(normalised, dtstart=start)), None) is None:
            raise ValueError("it yields no occurrence")
    except (ValueError, TypeError) as exc:
        reason = str(exc)
        problems.add("rrule", f"{raw} is not a valid RFC 5545 RRULE ({reason})")
        return ""
    return normalised


def parse_exdates(
    value: Any, start: datetime | None, rule: str, problems: Problems
) -> list[datetime]:
    """``2026-12-26, 2027-01-02``: sittings of a recurring event that do not happen.

    A date means the sitting that day (at the event's start time, local); a date and time is
    taken as written. Every date must be one the rule actually produces.
    """
    raw = text(value)
    if not raw:
        return []
    if not rule:
        problems.add("exdate", "needs an rrule (only a recurring event can skip a date)")
        return []
    if start is None:
        return []
    sittings = rrulestr(rule, dtstart=start)
    found: list[datetime] = []
    for item in (p.strip() for p in raw.replace("\n", ",").split(",")):
        if not item:
            continue
        try:
            parsed = datetime.fromisoformat(item)
        except ValueError:
            problems.add("exdate", f"{item} is not a date (expected YYYY-MM-DD)")
            continue
        if len(item) <= 10:
            parsed = datetime.combine(parsed.date(), start.timetz().replace(tzinfo=None))
        moment = parsed.replace(tzinfo=start.tzinfo) if parsed.tzinfo is None else parsed
        moment = moment.astimezone(start.tzinfo)
        if moment > start + EXDATE_HORIZON:
            # Checking it would walk the rule sitting by sitting up to that date.
            problems.add("exdate", f"{item} is more than 100 years after the start")
            continue
        if sittings.after(moment - timedelta(seconds=1), inc=False) != moment:
            problems.add("exdate", f"{item} is not a date the rrule produces")
            continue
        found.append(moment)
    return sorted(found)


def _until_utc(until: date | datetime, zone: tzinfo) -> datetime:
    """RFC 5545: with a zoned DTSTART, UNTIL must be UTC; a date means the end of that day."""
    if not isinstance(until, datetime):
        until = datetime.combine(until, time(23, 59, 59))
    if until.tzinfo is None:
        until = until.replace(tzinfo=zone)
    return until.astimezone(UTC)


def parse_venue(value: Any, problems: Problems) -> Venue | None:
    raw = text(value)
    if not raw:
        problems.add("venue", "missing (expected Name | Street | Locality | Postal code | GB)")
        return None
    parts = [p.strip() for p in raw.replace("\n", " ").split("|")]
    if len(parts) != 5 or not parts[0]:
        problems.add(
            "venue", f"{raw} needs 5 fields: Name | Street | Locality | Postal code | Country"
        )
        return None
    name, street, locality, postal_code, country = parts
    if country not in _COUNTRIES:
        problems.add("venue", f"country {country} is not an ISO 3166 two-letter code (e.g. GB)")
        return None
    return Venue(name, street, locality, postal_code, country)


def parse_tickets(value: Any, problems: Problems) -> list[TicketType]:
    raw = text(value)
    entries = [e.strip() for line in raw.splitlines() for e in line.split(";") if e.strip()]
    tickets: list[TicketType] = []
    seen: set[str] = set()
    for entry in entries:
        ticket = _parse_ticket(entry, problems)
        if ticket is None:
            continue
        if ticket.slug in seen:
            problems.add("tickets", f"{ticket.slug}: ticket slug is used twice")
            continue
        seen.add(ticket.slug)
        tickets.append(ticket)
    return tickets


def _parse_ticket(entry: str, problems: Problems) -> TicketType | None:
    parts = [p.strip() for p in entry.split("|")]
    if len(parts) != 5:
        problems.add(
            "tickets", f"{entry} needs 5 fields: slug | label | price | currency | capacity"
        )
        return None
    slug, label, price_raw, currency, capacity_raw = parts
    ok = True
    if not SLUG_RE.match(slug):
        problems.add("tickets", f"{slug or entry}: ticket slug must be a-z, 0-9 and -")
        ok = False
    name = slug or entry
    if not label:
        problems.add("tickets", f"{name}: label is missing")
        ok = False
    price = _whole_number(price_raw)
    if price is None:
        problems.add("tickets", f"{name}: price {price_raw} is not a whole number of minor units")
        ok = False
    elif price < 0:
        problems.add("tickets", f"{name}: price {price_raw} is negative")
        ok = False
    if not is_known_currency(currency):
        problems.add("tickets", f"{name}: currency {currency} is not an ISO 4217 code")
        ok = False
    capacity = _whole_number(capacity_raw)
    if capacity is None or capacity < 0:
        problems.add("tickets", f"{name}: capacity {capacity_raw} is not a whole number >= 0")
        ok = False
    if not ok:
        return None
    assert price is not None and capacity is not None
    return TicketType(slug, label, price, currency, capacity)


def _whole_number(raw: str) -> int | None:
    return int(raw) if re.fullmatch(r"-?\d+", raw) else None


def parse_event_status(value: Any, problems: Problems) -> str:
    raw = text(value).lower() or "scheduled"
    if raw not in EVENT_STATUSES:
        problems.add("event_status", f"{raw} is not one of {', '.join(EVENT_STATUSES)}")
        return "scheduled"
    return raw
