"""Defaults for the events plugin, so `pelicanconf.py` only overrides what it must.

`EVENTS_NOW` is the single source of "now" for the upcoming/past split: tests inject a fixed
time, a normal build uses the current time.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

DEFAULTS: dict[str, Any] = {
    # Where event sources live (relative to the content folder).
    "EVENT_PATHS": ["events"],
    "EVENT_EXCLUDES": [],
    # Pelican looks these up by class name for `Event` objects.
    "EVENT_URL": "events/{slug}/",
    "EVENT_SAVE_AS": "events/{slug}/index.html",
    "EVENT_LANG_URL": "events/{slug}-{lang}/",
    "EVENT_LANG_SAVE_AS": "events/{slug}-{lang}/index.html",
    # Drafts are written only where these are set (make preview sets them under drafts/).
    "DRAFT_EVENT_URL": "",
    "DRAFT_EVENT_SAVE_AS": "",
    "DRAFT_EVENT_LANG_URL": "",
    "DRAFT_EVENT_LANG_SAVE_AS": "",
    "DRAFT_EVENT_ICS_SAVE_AS": "",
    # Our own outputs.
    "EVENT_ICS_SAVE_AS": "events/{slug}.ics",
    "EVENTS_INDEX_URL": "events/",
    "EVENTS_INDEX_SAVE_AS": "events/index.html",
    "EVENTS_PAST_URL": "events/past/",
    "EVENTS_PAST_SAVE_AS": "events/past/index.html",
    "EVENTS_MONTH_URL": "events/{year:04d}/{month:02d}/",
    "EVENTS_MONTH_SAVE_AS": "events/{year:04d}/{month:02d}/index.html",
    "EVENTS_CALENDAR_SAVE_AS": "events/calendar.ics",
    # Local times in front matter are in this zone unless an event says otherwise.
    "EVENTS_DEFAULT_TIMEZONE": "Europe/London",
    # A datetime (aware) or ISO 8601 string; None means the current time. When the site does
    # not set it, the EVENTS_NOW environment variable may (tests build through the CLI).
    "EVENTS_NOW": None,
    # How many occurrences the "upcoming events" widget shows.
    "EVENTS_UPCOMING_COUNT": 5,
    # Open-ended recurrences are expanded this far past "now" (listings, month pages).
    "EVENTS_RECURRENCE_HORIZON_DAYS": 400,
    # Where the no-JS booking form posts; the site's RA_CART_ACTION wins when it is set.
    "EVENTS_CART_ACTION": "/cart/items",
    # schema.org organizer; None means the site itself (SITENAME + SITEURL).
    "EVENTS_ORGANIZER": None,
}

#: Slugs that would collide with the listing pages under events/.
RESERVED_SLUGS = frozenset({"past", "calendar"})


def apply_defaults(settings: MutableMapping[str, Any]) -> None:
    """Fill in every setting the plugin reads that the site did not set."""
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    if settings["EVENTS_NOW"] is None and os.environ.get("EVENTS_NOW"):
        settings["EVENTS_NOW"] = os.environ["EVENTS_NOW"]
    if settings.get("RA_CART_ACTION"):
        settings["EVENTS_CART_ACTION"] = settings["RA_CART_ACTION"]


def events_now(settings: MutableMapping[str, Any]) -> datetime:
    """The build's notion of "now" (aware): `EVENTS_NOW` if set, else the current UTC time."""
    value = settings.get("EVENTS_NOW")
    if value is None:
        return datetime.now(UTC)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(settings.get("EVENTS_DEFAULT_TIMEZONE", "UTC")))
    return value


def site_domain(settings: MutableMapping[str, Any]) -> str:
    """The host of SITEURL, used to make iCalendar UIDs globally unique."""
    host = urlsplit(str(settings.get("SITEURL") or "")).hostname
    return host or "localhost"


def absolute_url(settings: MutableMapping[str, Any], path: str) -> str:
    """`path` (relative to the site root) as an absolute URL under SITEURL."""
    if "://" in path:
        return path
    return f"{str(settings.get('SITEURL') or '').rstrip('/')}/{path.lstrip('/')}"
