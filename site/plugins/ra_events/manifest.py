"""This plugin's share of the build manifests (docs/manifests.md, schema_version 1).

The generator appends ticket types to ``context["manifest_catalog_items"]`` and one
ActivityStreams `Event` per published event to ``context["manifest_activity_objects"]``; the
manifests plugin writes them out.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .jsonld import place
from .settings import absolute_url

if TYPE_CHECKING:
    from .content import Event


def content_hash(entry: dict[str, Any]) -> str:
    """sha256 over the canonical JSON of the entry without its own `content_hash`."""
    body = {k: v for k, v in entry.items() if k != "content_hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


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
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def activity_object(
    event: Event,
    settings: dict[str, Any],
    tag_urls: dict[str, str],
    image_url: str | None,
    content_html: str,
) -> dict[str, Any]:
    location = place(event)
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
        "attachment": (
            [
                {
                    "type": "Image",
                    "mediaType": _media_type(image_url),
                    "url": image_url,
                    "name": event.image_alt,
                }
            ]
            if image_url
            else []
        ),
        "startTime": event.start.isoformat(),
        "endTime": event.end.isoformat(),
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


def _media_type(url: str) -> str:
    suffix = url.rsplit(".", 1)[-1].lower()
    return {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
        "gif": "image/gif",
        "svg": "image/svg+xml",
        "avif": "image/avif",
    }.get(suffix, "application/octet-stream")
