"""`Event`: a Pelican content type whose front matter is validated instead of trusted.

Problems are collected on the object (`event.problems`) and reported by the generator, so a
bad file never raises and every mistake in it is listed.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup
from pelican.contents import Content
from pelican.utils import slugify
from ra_core import html_tags

from . import fields
from .fields import Problems, TicketType, Venue
from .settings import RESERVED_SLUGS

#: Front-matter keys this type understands beyond Pelican's own.
EVENT_KEYS = (
    "start", "end", "timezone", "rrule", "exdate", "venue", "tickets", "image", "image_alt"
)  # fmt: skip


def body_images(html: str) -> list[tuple[str, str]]:
    """(src, alt) of every <img> in rendered HTML, in order (parsed once per build, shared)."""
    return [(src, (alt or "").strip()) for src, alt in html_tags(html).images]


def images_without_alt(html: str) -> list[str]:
    """The src of every <img> in rendered Markdown that has no (or empty) alt text."""
    return [src for src, alt in body_images(html) if not alt]


class Event(Content):
    """One event (possibly recurring) read from ``content/events/*.md``."""

    mandatory_properties = ()
    allowed_statuses = ("published", "draft")
    default_status = "published"
    default_template = "event"

    start: datetime
    end: datetime
    rrule: str
    exdates: list[datetime]
    venue: Venue | None
    tickets: list[TicketType]

    def __init__(
        self,
        content: str,
        metadata: dict[str, Any] | None = None,
        settings: Any = None,
        source_path: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> None:
        metadata = dict(metadata or {})
        settings = settings if settings is not None else {}
        problems = Problems()
        default_zone = settings.get("EVENTS_DEFAULT_TIMEZONE", "Europe/London")
        zone = fields.parse_timezone(metadata.get("timezone"), default_zone, problems)
        metadata["timezone"] = zone.key
        if "slug" not in metadata and source_path:
            basename = os.path.splitext(os.path.basename(source_path))[0]
            metadata["slug"] = slugify(
                basename, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
            )
        super().__init__(content, metadata, settings, source_path, context)

        self.problems = problems
        if not fields.text(getattr(self, "title", "")):
            problems.add("title", "missing")
        slug = getattr(self, "slug", "")
        if not fields.SLUG_RE.match(slug or ""):
            problems.add("slug", f"{slug!r} must be lower-case letters, digits and -")
        elif slug in RESERVED_SLUGS or (slug.isdigit() and len(slug) == 4):
            problems.add("slug", f"{slug} is reserved for the events listings")
        if self.status not in self.allowed_statuses:
            problems.add("status", f"{self.status} is not published or draft")

        start = fields.parse_local_datetime("start", metadata.get("start"), zone, problems)
        end = fields.parse_local_datetime("end", metadata.get("end"), zone, problems)
        if start is not None and end is not None and end < start:
            problems.add(
                "end",
                f"{end.strftime(fields.DISPLAY_FORMAT)} is before start "
                f"{start.strftime(fields.DISPLAY_FORMAT)}",
            )
        self.start = start or datetime.min.replace(tzinfo=zone)
        self.end = end or self.start
        self.rrule = fields.parse_rrule(metadata.get("rrule"), start, zone, problems)
        self.exdates = fields.parse_exdates(metadata.get("exdate"), start, self.rrule, problems)
        self.venue = fields.parse_venue(metadata.get("venue"), problems)
        self.tickets = fields.parse_tickets(metadata.get("tickets"), problems)
        self.event_status = fields.parse_event_status(metadata.get("event_status"), problems)

        self.image = fields.text(metadata.get("image")) or None
        self.image_alt = fields.text(metadata.get("image_alt")) or None
        if self.image and not self.image_alt:
            problems.add("image_alt", f"missing for image {self.image}")
        for src in images_without_alt(self._content or ""):
            problems.add("image", f"{src} has no alt text")

        # `date` (optional) is when the event was announced; it is the manifest's `published`.
        self.published = getattr(self, "date", None) or self.start
        modified = getattr(self, "modified", None)
        if modified is None and source_path and os.path.exists(source_path):
            modified = datetime.fromtimestamp(int(os.path.getmtime(source_path)), UTC)
        self.last_modified = modified

    def _expand_settings(self, key: str, klass: str | None = None) -> str:
        """A draft's URL comes from ``DRAFT_EVENT_URL``/``_SAVE_AS`` (empty: not written)."""
        draft = "draft_event" if self.status == "draft" else None
        return super()._expand_settings(key, klass or draft)

    # -- what templates and outputs use -------------------------------------------------------
    @property
    def stable_id(self) -> str:
        return f"event:{self.slug}"

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)

    @property
    def multi_day(self) -> bool:
        return self.start.date() != self.end.date()

    @property
    def plain_summary(self) -> str:
        """The summary as plain text (for iCalendar DESCRIPTION and meta tags)."""
        return Markup(self.summary or "").striptags()

    def ticket_id(self, ticket: TicketType) -> str:
        return f"ticket:{self.slug}:{ticket.slug}"
