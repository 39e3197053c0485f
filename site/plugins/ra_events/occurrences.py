"""Occurrences of events in time: recurrence expansion, upcoming/past split, month grids."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from dateutil.rrule import rrule, rruleset, rrulestr

if TYPE_CHECKING:
    from .content import Event

#: Safety cap on occurrences of one rule (a daily rule over a long horizon).
MAX_OCCURRENCES = 1000
WEEKDAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
            "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}  # fmt: skip


@dataclass(frozen=True)
class Occurrence:
    """One sitting of an event; `start`/`end` are in the event's own time zone."""

    event: Event
    start: datetime
    end: datetime

    @property
    def url(self) -> str:
        return self.event.url

    def days(self) -> list[date]:
        """Local dates it covers (an end at midnight does not cover the next day)."""
        last = self.end.date()
        if self.end.time() == time(0) and self.end > self.start:
            last -= timedelta(days=1)
        span = max((last - self.start.date()).days, 0)
        return [self.start.date() + timedelta(days=n) for n in range(span + 1)]


def expand(event: Event, horizon: datetime) -> list[Occurrence]:
    """Every occurrence that starts before `horizon` (the first one always counts)."""
    if not event.rrule:
        return [Occurrence(event, event.start, event.end)]
    duration = event.end - event.start
    found: list[Occurrence] = []
    rule = rrulestr(event.rrule, dtstart=event.start)
    sittings = rule if isinstance(rule, rruleset) else rruleset()
    if isinstance(rule, rrule):
        sittings.rrule(rule)
    for skipped in event.exdates:
        sittings.exdate(skipped)
    for start in sittings:
        if (found and start >= horizon) or len(found) >= MAX_OCCURRENCES:
            break
        found.append(Occurrence(event, start, start + duration))
    return found


def upcoming(occurrences: Iterable[Occurrence], now: datetime) -> list[Occurrence]:
    """Occurrences not yet over at `now`, soonest first."""
    return sorted((o for o in occurrences if o.end > now), key=_order)


def once_per_event(
    occurrences: Iterable[Occurrence], events: int, sittings: int
) -> list[tuple[Event, list[Occurrence]]]:
    """The first ``events`` events of a soonest-first list, each once with its next
    ``sittings`` occurrences (a weekly event is one line, not four)."""
    grouped: dict[Event, list[Occurrence]] = {}
    for occ in occurrences:
        found = grouped.get(occ.event)
        if found is None:
            if len(grouped) == events:
                continue
            found = grouped[occ.event] = []
        if len(found) < sittings:
            found.append(occ)
    return list(grouped.items())


def split_events(
    by_event: dict[Event, list[Occurrence]], now: datetime
) -> tuple[list[tuple[Event, Occurrence]], list[tuple[Event, Occurrence]]]:
    """(upcoming events with their next occurrence, past events with their last one)."""
    future: list[tuple[Event, Occurrence]] = []
    past: list[tuple[Event, Occurrence]] = []
    for event, occs in by_event.items():
        nxt = upcoming(occs, now)
        if nxt:
            future.append((event, nxt[0]))
        elif occs:
            past.append((event, occs[-1]))
    future.sort(key=lambda pair: _order(pair[1]))
    past.sort(key=lambda pair: _order(pair[1]), reverse=True)
    return future, past


def _order(occ: Occurrence) -> tuple[datetime, str]:
    return (occ.start, occ.event.slug)


@dataclass
class Month:
    """One calendar month page: a Monday-first grid of days with their occurrences."""

    year: int
    month: int
    weeks: list[list[tuple[date, list[Occurrence]]]] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    prev: Month | None = None
    next: Month | None = None

    def __digest_fields__(self) -> tuple[object, ...]:
        """What a page can show of this month (ra_incremental's digest): its own grid, but of
        its neighbours only which months they are (their title and URL), not their grids."""
        neighbours = tuple(None if m is None else (m.year, m.month) for m in (self.prev, self.next))
        return (self.year, self.month, self.weeks, self.occurrences, neighbours)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def title(self) -> str:
        return self.first_day.strftime("%B %Y")


def month_range(occurrences: Sequence[Occurrence]) -> list[tuple[int, int]]:
    """Every (year, month) from the first occurrence's month to the last one's, gaps included."""
    days = [d for o in occurrences for d in (o.start.date(), o.days()[-1])]
    if not days:
        return []
    first, last = min(days), max(days)
    months: list[tuple[int, int]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def build_months(occurrences: Sequence[Occurrence]) -> list[Month]:
    """Month pages covering all occurrences, linked prev/next (links always resolve)."""
    by_day: dict[date, list[Occurrence]] = {}
    for occ in sorted(occurrences, key=_order):
        for day in occ.days():
            by_day.setdefault(day, []).append(occ)
    grid = calendar.Calendar(firstweekday=calendar.MONDAY)
    months: list[Month] = []
    for year, month in month_range(occurrences):
        page = Month(year, month)
        seen: set[int] = set()
        for week in grid.monthdatescalendar(year, month):
            row = []
            for day in week:
                in_month = day.month == month
                todays = by_day.get(day, []) if in_month else []
                row.append((day, todays))
                for occ in todays:
                    if id(occ) not in seen:
                        seen.add(id(occ))
                        page.occurrences.append(occ)
            page.weeks.append(row)
        if months:
            page.prev, months[-1].next = months[-1], page
        months.append(page)
    return months


def describe_rule(rule: str) -> str:
    """A short English reading of common RRULEs ("Every Saturday until 26 June 2027")."""
    if not rule:
        return ""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1") or 1)
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq, "")
    days = [WEEKDAYS.get(d[-2:], d) for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "WEEKLY" and days and interval == 1:
        text = "Every " + " and ".join(days)
    elif unit:
        text = f"Every {unit}" if interval == 1 else f"Every {interval} {unit}s"
        if days:
            text += " on " + " and ".join(days)
    else:
        text = "Repeats"
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d")
        text += f" until {until.day} {until:%B %Y}"
    elif "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    return text
