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

from .settings import absolute_url, site_domain

if TYPE_CHECKING:
    from .content import Event

PRODID = "-//Rose Ash//Events//EN"
ICAL_STATUS = {"cancelled": "CANCELLED"}


def event_uid(event: Event, settings: dict[str, Any]) -> str:
    return f"event-{event.slug}@{site_domain(settings)}"


def vevent(event: Event, settings: dict[str, Any]) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", event_uid(event, settings))
    item.add("dtstamp", (event.last_modified or event.published).astimezone(UTC))
    item.add("dtstart", event.start)
    item.add("dtend", event.end)
    item.add("summary", event.title)
    if event.plain_summary:
        item.add("description", event.plain_summary)
    if event.venue is not None:
        item.add("location", event.venue.one_line())
    item.add("url", absolute_url(settings, event.url))
    item.add("status", ICAL_STATUS.get(event.event_status, "CONFIRMED"))
    if event.rrule:
        item.add("rrule", icalendar.vRecur.from_ical(event.rrule))
    tags = [str(tag) for tag in getattr(event, "tags", [])]
    if tags:
        item.add("categories", tags)
    return item


def calendar_bytes(events: Iterable[Event], settings: dict[str, Any], name: str) -> bytes:
    """A complete VCALENDAR with VTIMEZONEs covering every event's dates."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    events = list(events)
    for event in events:
        cal.add_component(vevent(event, settings))
    if events:
        first = min(e.start for e in events).date() - timedelta(days=366)
        last = max(_last_date(e) for e in events) + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal.to_ical()


def _last_date(event: Event) -> date:
    if event.rrule:
        until = icalendar.vRecur.from_ical(event.rrule).get("UNTIL")
        if until:
            value = until[0]
            return value.date() if isinstance(value, datetime) else value
        return event.start.date() + timedelta(days=3 * 366)
    return event.end.date()
