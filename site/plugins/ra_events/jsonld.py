"""schema.org `Event` JSON-LD for an event page (what search engines read)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .fields import EVENT_STATUSES
from .money import major_units
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


def event_jsonld(event: Event, settings: dict[str, Any], image_url: str | None) -> dict[str, Any]:
    url = absolute_url(settings, event.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url + "#event",
        "name": event.title,
        "url": url,
        "startDate": event.start.isoformat(),
        "endDate": event.end.isoformat(),
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
            "repeatFrequency": _repeat_frequency(event.rrule),
        }
    if event.tickets:
        data["offers"] = [
            {
                "@type": "Offer",
                "name": ticket.label,
                "sku": event.ticket_id(ticket),
                "price": str(major_units(ticket.price, ticket.currency)),
                "priceCurrency": ticket.currency,
                "availability": SCHEMA + ("InStock" if ticket.capacity > 0 else "SoldOut"),
                "url": url,
            }
            for ticket in event.tickets
        ]
    return data


def _repeat_frequency(rule: str) -> str:
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    interval = parts.get("INTERVAL", "1")
    unit = {"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}.get(parts["FREQ"], "W")
    return f"P{interval}{unit}"


def script_json(data: dict[str, Any]) -> Markup:
    """JSON safe to place inside <script>: no "</script>" or "<!--" can close it early."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
