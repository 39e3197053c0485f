"""RFC 5545 output through `icalendar`: one calendar per event and one for all events.

UIDs come from the slug and the site's domain only, so they survive edits and rebuilds.
DTSTAMP is the source's last modification (not the build time), so an unchanged event gives
byte-identical files. Times keep their TZID and the calendar carries matching VTIMEZONEs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import icalendar
from ra_core import memo

from .settings import absolute_url, site_domain

if TYPE_CHECKING:
    from .content import Event

PRODID = "-//Rose Ash//Events//EN"
_END = b"END:VCALENDAR\r\n"
ICAL_STATUS = {"cancelled": "CANCELLED"}


def event_uid(event: Event, settings: dict[str, Any]) -> str:
    return f"event-{event.slug}@{site_domain(settings)}"


def vevent_fields(event: Event, settings: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """The properties of an event's VEVENT, in order, as plain values (the memo's key)."""
    fields: list[tuple[str, Any]] = [
        ("uid", event_uid(event, settings)),
        ("dtstamp", (event.last_modified or event.published).astimezone(UTC)),
        ("dtstart", event.start),
        ("dtend", event.end),
        ("summary", event.title),
    ]
    if event.plain_summary:
        fields.append(("description", event.plain_summary))
    if event.venue is not None:
        fields.append(("location", event.venue.one_line()))
    fields.append(("url", absolute_url(settings, event.url)))
    fields.append(("status", ICAL_STATUS.get(event.event_status, "CONFIRMED")))
    if event.rrule:
        fields.append(("rrule", event.rrule))
        if event.exdates:
            fields.append(("exdate", list(event.exdates)))
    tags = [str(tag) for tag in getattr(event, "tags", [])]
    if tags:
        fields.append(("categories", tags))
    return tuple(fields)


def vevent(event: Event, settings: dict[str, Any]) -> icalendar.Event:
    item = icalendar.Event()
    for name, value in vevent_fields(event, settings):
        item.add(name, icalendar.vRecur.from_ical(value) if name == "rrule" else value)
    return item


def _vevent_bytes(event: Event, settings: dict[str, Any]) -> bytes:
    """Serialised VEVENT, kept between builds by its properties (ra_core.memo)."""
    fields = vevent_fields(event, settings)
    return memo.lookup("ics-vevent", memo.key(*fields), lambda: vevent(event, settings).to_ical())


def _header(name: str) -> bytes:
    head = icalendar.Calendar()
    head.add("prodid", PRODID)
    head.add("version", "2.0")
    head.add("calscale", "GREGORIAN")
    head.add("x-wr-calname", name)
    return head.to_ical().removesuffix(_END)


class CalendarSet:
    """Serialises each VEVENT and each VTIMEZONE once per build, then assembles calendars.

    Every calendar carries the same VTIMEZONE per zone, covering all events' dates (with a
    year's margin), so a per-event file and the whole calendar agree.
    """

    def __init__(self, events: Iterable[Event], settings: dict[str, Any]) -> None:
        self.settings = settings
        self.events = list(events)
        self._vevents: dict[str, bytes] = {}
        self._zones: dict[str, bytes] = {}
        if self.events:
            self.first = min(e.start.date() for e in self.events) - timedelta(days=366)
            self.last = max(_last_date(e) for e in self.events) + timedelta(days=366)

    def vevent(self, event: Event) -> bytes:
        if event.slug not in self._vevents:
            self._vevents[event.slug] = _vevent_bytes(event, self.settings)
        return self._vevents[event.slug]

    def vtimezone(self, tzid: str) -> bytes:
        if tzid not in self._zones:
            # not kept between builds: the zone's rules come from the system's tz database
            zone = icalendar.Timezone.from_tzid(tzid, first_date=self.first, last_date=self.last)
            self._zones[tzid] = zone.to_ical()
        return self._zones[tzid]

    def calendar(self, events: Iterable[Event], name: str) -> bytes:
        """A complete VCALENDAR: header, VTIMEZONEs for the zones used, then the VEVENTs."""
        events = list(events)
        header = memo.lookup("ics-header", memo.key(PRODID, name), lambda: _header(name))
        zones = sorted({e.timezone.key for e in events} - {"UTC"})
        return b"".join(
            [header]
            + [self.vtimezone(tzid) for tzid in zones]
            + [self.vevent(e) for e in events]
            + [_END]
        )


def calendar_bytes(events: Iterable[Event], settings: dict[str, Any], name: str) -> bytes:
    """One calendar on its own (tests and one-off use)."""
    events = list(events)
    return CalendarSet(events, settings).calendar(events, name)


def _last_date(event: Event) -> date:
    if event.rrule:
        until = icalendar.vRecur.from_ical(event.rrule).get("UNTIL")
        if until:
            value = until[0]
            return value.date() if isinstance(value, datetime) else value
        return event.start.date() + timedelta(days=3 * 366)
    return event.end.date()
