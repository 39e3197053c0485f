"""schema.org `Event` JSON-LD for an event page (what search engines read)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from ra_core import script_safe

from .fields import EVENT_STATUSES
from .money import to_major
from .occurrences import WEEKDAYS, Occurrence
from .settings import absolute_url

if TYPE_CHECKING:
    from .content import Event

SCHEMA = "https://schema.org/"


def place(event: Event) -> dict[str, Any] | None:
    venue = event.venue
    if venue is None:
        return None
    return {
        "@type": "Place",
        "name": venue.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.street,
            "addressLocality": venue.locality,
            "postalCode": venue.postal_code,
            "addressCountry": venue.country,
        },
    }


def organizer(settings: dict[str, Any]) -> dict[str, Any]:
    configured = settings.get("EVENTS_ORGANIZER")
    if configured:
        return dict(configured)
    return {
        "@type": "Organization",
        "name": settings.get("SITENAME", ""),
        "url": absolute_url(settings, ""),
    }


def event_jsonld(
    event: Event,
    settings: dict[str, Any],
    image_url: str | None,
    occurrence: Occurrence | None = None,
) -> dict[str, Any]:
    """The Event a search engine should show: for a recurring one, its next sitting (the
    `occurrence` given), with the whole series described by `eventSchedule`."""
    url = absolute_url(settings, event.url)
    start, end = (occurrence.start, occurrence.end) if occurrence else (event.start, event.end)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url + "#event",
        "name": event.title,
        "url": url,
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "eventStatus": SCHEMA + EVENT_STATUSES[event.event_status],
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "organizer": organizer(settings),
    }
    if event.plain_summary:
        data["description"] = event.plain_summary
    location = place(event)
    if location:
        data["location"] = location
    if image_url:
        data["image"] = [image_url]
    if event.rrule:
        data["eventSchedule"] = {
            "@type": "Schedule",
            "scheduleTimezone": event.timezone.key,
            "startDate": event.start.date().isoformat(),
            "startTime": event.start.strftime("%H:%M:%S"),
            "endTime": event.end.strftime("%H:%M:%S"),
            **_schedule_rule(event.rrule, event.timezone),
        }
        if event.exdates:
            data["eventSchedule"]["exceptDate"] = [d.date().isoformat() for d in event.exdates]
    if event.tickets:
        data["offers"] = [
            {
                "@type": "Offer",
                "name": ticket.label,
                "sku": event.ticket_id(ticket),
                "price": str(to_major(ticket.price, ticket.currency)),
                "priceCurrency": ticket.currency,
                "availability": SCHEMA + ("InStock" if ticket.capacity > 0 else "SoldOut"),
                "url": url,
            }
            for ticket in event.tickets
        ]
    return data


def _schedule_rule(rule: str, zone: tzinfo) -> dict[str, Any]:
    """schema.org Schedule fields for an RRULE: repeatFrequency, byDay, endDate/repeatCount."""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    unit = {"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}.get(parts["FREQ"])
    found: dict[str, Any] = {}
    if unit:
        found["repeatFrequency"] = f"P{parts.get('INTERVAL', '1')}{unit}"
    days = [WEEKDAYS[d[-2:]] for d in parts.get("BYDAY", "").split(",") if d[-2:] in WEEKDAYS]
    if days:
        found["byDay"] = [SCHEMA + day for day in days]
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        found["endDate"] = until.astimezone(zone).date().isoformat()
    if "COUNT" in parts:
        found["repeatCount"] = int(parts["COUNT"])
    return found


def script_json(data: dict[str, Any]) -> Markup:
    """JSON safe to place inside <script>: no "</script>" or "<!--" can close it early."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    return Markup(script_safe(text))
