"""This plugin's share of the build manifests (docs/manifests.md, schema_version 1).

The generator appends ticket types to ``context["manifest_catalog_items"]`` and one
ActivityStreams `Event` per published event to ``context["manifest_activity_objects"]``; the
manifests plugin writes them out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ra_core import content_hash
from ra_manifests import entries

from .content import body_images
from .jsonld import place
from .occurrences import Occurrence, expand, upcoming
from .settings import absolute_url, events_now

if TYPE_CHECKING:
    from .content import Event


def _with_hash(entry: dict[str, Any]) -> dict[str, Any]:
    entry["content_hash"] = content_hash(entry)
    return entry


def catalog_items(event: Event, settings: dict[str, Any]) -> list[dict[str, Any]]:
    url = absolute_url(settings, event.url)
    return [
        _with_hash(
            {
                "id": event.ticket_id(ticket),
                "kind": "ticket",
                "event_id": event.stable_id,
                "event_title": event.title,
                "title": f"{event.title}: {ticket.label}",
                "url": url,
                "price": ticket.price,
                "currency": ticket.currency,
                "capacity": ticket.capacity,
                "starts_at": event.start.isoformat(),
                "ends_at": event.end.isoformat(),
            }
        )
        for ticket in event.tickets
    ]


def _utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def next_sitting(event: Event, settings: dict[str, Any]) -> Occurrence:
    """The sitting followers should see: the next one not yet over at the build's "now"
    (a recurring event federates that one, and the next build moves it on: an Update);
    the last one once the series has ended; a one-off event's only one."""
    now = events_now(settings)
    horizon = now + timedelta(days=int(settings.get("EVENTS_RECURRENCE_HORIZON_DAYS", 366)))
    sittings = expand(event, horizon)
    ahead = upcoming(sittings, now)
    return ahead[0] if ahead else sittings[-1]


def activity_object(
    event: Event,
    settings: dict[str, Any],
    tag_urls: dict[str, str],
    image_url: str | None,
    content_html: str,
) -> dict[str, Any]:
    location = place(event)
    sitting = next_sitting(event, settings)
    entry: dict[str, Any] = {
        "id": event.stable_id,
        "section": "events",
        "type": "Event",
        "name": event.title,
        "summary": str(event.summary or ""),
        "content": content_html,
        "url": absolute_url(settings, event.url),
        "published": _utc(event.published),
        "updated": _utc(getattr(event, "modified", None)),
        "tag": [
            {"type": "Hashtag", "name": f"#{tag.slug}", "href": tag_urls[str(tag)]}
            for tag in getattr(event, "tags", [])
        ],
        "attachment": attachments(
            event, image_url, content_html, absolute_url(settings, event.url)
        ),
        "startTime": sitting.start.isoformat(),
        "endTime": sitting.end.isoformat(),
        "timezone": event.timezone.key,
    }
    if location:
        location = {
            "type": "Place",
            "name": location["name"],
            "address": {"type": "PostalAddress"}
            | {k: v for k, v in location["address"].items() if k != "@type"},
        }
        entry["location"] = location
    return _with_hash(entry)


def attachments(
    event: Event, image_url: str | None, content_html: str, page_url: str
) -> list[dict[str, Any]]:
    """The lead image, then every image in the text (resolved against the event's page),
    each once, with its alt text."""
    images = [(image_url, event.image_alt or "")] if image_url else []
    return entries.attachments(images + body_images(content_html), page_url)
