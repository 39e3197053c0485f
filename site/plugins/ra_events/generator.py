"""`EventsGenerator`: reads content/events/, validates, and writes every events output.

Outputs: a page per event, the upcoming list, the past archive, month calendar pages, an
.ics per event and the whole calendar. It also puts ``upcoming_events`` into the shared
context (for the widget on every page) and its entries into the manifest lists.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from pelican.generators import CachingGenerator
from pelican.utils import sanitised_join
from ra_core import ContentError, report_error, source_label, write_or_link

from . import ical, jsonld, manifest
from .content import Event
from .occurrences import (
    Month,
    Occurrence,
    build_months,
    describe_rule,
    expand,
    once_per_event,
    split_events,
)
from .occurrences import upcoming as upcoming_of
from .settings import absolute_url, apply_defaults, events_now

#: How many coming dates a recurring event lists (its page, the "Upcoming events" box).
NEXT_SITTINGS = 4

logger = logging.getLogger(__name__)


class EventsGenerator(CachingGenerator):
    """Generate event pages, listings, month calendars and iCalendar files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.events: list[Event] = []
        self.draft_events: list[Event] = []
        self.occurrences: list[Occurrence] = []
        self.months: list[Month] = []
        self.by_event: dict[Event, list[Occurrence]] = {}
        #: the manifest entries contribute_manifests added last time
        self._contributed: list[Any] = []
        self.upcoming_list: list[tuple[Event, Occurrence]] = []
        self.past_list: list[tuple[Event, Occurrence]] = []
        super().__init__(*args, **kwargs)
        apply_defaults(self.settings)
        apply_defaults(self.context)

    # -- reading ------------------------------------------------------------------------------
    def _read(self, path: str) -> Event | None:
        event = self.get_cached_data(path, None)
        if event is not None:
            return event
        try:
            event = self.readers.read_file(
                base_path=self.path, path=path, content_class=Event, context=self.context
            )
        except Exception as exc:  # a reader failure is a content error, not a crash
            label = source_label(self.settings, path)
            report_error(self.context, ContentError(label, "file", f"could not be read: {exc}"))
            self._add_failed_source_path(path)
            return None
        self.cache_data(path, event)
        return event

    def generate_context(self) -> None:
        valid: list[Event] = []
        slugs: dict[str, str] = {}
        paths = self.get_files(
            self.settings["EVENT_PATHS"], exclude=self.settings["EVENT_EXCLUDES"]
        )
        for path in sorted(paths):
            event = self._read(path)
            if event is None:
                continue
            label = source_label(self.settings, path)
            for field_name, message in event.problems.items:
                report_error(self.context, ContentError(label, field_name, message))
            if event.slug in slugs:
                report_error(
                    self.context,
                    ContentError(
                        label, "slug", f"{event.slug!r} is already used by {slugs[event.slug]}"
                    ),
                )
                self._add_failed_source_path(path)
                continue
            slugs[event.slug] = label
            if event.problems:
                self._add_failed_source_path(path)
                continue
            self.add_source_path(event)
            self.add_static_links(event)
            valid.append(event)

        self.events = sorted(
            (e for e in valid if e.status == "published"), key=lambda e: (e.start, e.slug)
        )
        self.draft_events = [e for e in valid if e.status == "draft"]
        now = events_now(self.settings)
        horizon = now + timedelta(days=self.settings["EVENTS_RECURRENCE_HORIZON_DAYS"])
        by_event = {event: expand(event, horizon) for event in self.events}
        self.occurrences = [occ for occs in by_event.values() for occ in occs]
        self.months = build_months(self.occurrences)
        self.upcoming_list, self.past_list = split_events(by_event, now)
        self.by_event = by_event

        self.context["events"] = self.events
        self.context["event_months"] = self.months
        soonest = upcoming_of(self.occurrences, now)
        self.context["upcoming_events"] = soonest[: self.settings["EVENTS_UPCOMING_COUNT"]]
        self.context["upcoming_by_event"] = once_per_event(
            soonest, self.settings["EVENTS_UPCOMING_COUNT"], NEXT_SITTINGS
        )
        self.context["EVENTS_INDEX_URL"] = self.settings["EVENTS_INDEX_URL"]
        self.save_cache()
        self.readers.save_cache()

    # -- helpers for templates and manifests -------------------------------------------------
    def image_url(self, event: Event) -> str | None:
        return absolute_url(self.settings, event.image) if event.image else None

    def _tag_urls(self, event: Event) -> dict[str, str]:
        return (
            {str(tag): absolute_url(self.settings, tag.url) for tag in event.tags}
            if hasattr(event, "tags")
            else {}
        )

    def refresh_metadata_intersite_links(self) -> None:
        for event in self.events + self.draft_events:
            event.refresh_metadata_intersite_links()

    def contribute_manifests(self) -> None:
        """Add ticket types and Event objects to the manifest lists in the shared context.

        Called once every generator has read its content (all_generators_finalized): rendering
        an event's HTML earlier would freeze links to content read after it (Pelican memoizes).
        """
        items = self.context.setdefault("manifest_catalog_items", [])
        objects = self.context.setdefault("manifest_activity_objects", [])
        mine = {id(entry) for entry in self._contributed}  # a resident process sends it again
        items[:] = [entry for entry in items if id(entry) not in mine]
        objects[:] = [entry for entry in objects if id(entry) not in mine]
        added = len(items), len(objects)
        siteurl = self.settings.get("SITEURL", "")
        for event in self.events:
            items.extend(manifest.catalog_items(event, self.settings))
            objects.append(
                manifest.activity_object(
                    event,
                    self.settings,
                    self._tag_urls(event),
                    self.image_url(event),
                    event.get_content(siteurl),
                )
            )
        self._contributed = [*items[added[0] :], *objects[added[1] :]]

    def month_url(self, month: Month) -> str:
        return self.settings["EVENTS_MONTH_URL"].format(year=month.year, month=month.month)

    def _month_save_as(self, month: Month) -> str:
        return self.settings["EVENTS_MONTH_SAVE_AS"].format(year=month.year, month=month.month)

    def _month_of(self, occ: Occurrence | None) -> Month | None:
        if occ is None:
            return self.months[-1] if self.months else None
        for month in self.months:
            if (month.year, month.month) == (occ.start.year, occ.start.month):
                return month
        return None

    # -- writing ------------------------------------------------------------------------------
    def _write_event(self, writer: Any, event: Event, occs: list[Occurrence], draft: bool) -> None:
        """An event's page; a draft's names no calendar month (drafts are in no listing)."""
        common = {"month_url": self.month_url, "describe_rule": describe_rule}
        article_tags = _tag_pages(self.context.get("tags"))
        coming = upcoming_of(occs, events_now(self.settings))
        next_occ = coming[0] if coming else None
        shown = next_occ or (occs[-1] if occs else None)
        ics = self.settings["DRAFT_EVENT_ICS_SAVE_AS" if draft else "EVENT_ICS_SAVE_AS"]
        writer.write_file(
            event.save_as,
            self.get_template(event.template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=event.url,
            event=event,
            next_occurrence=next_occ,
            next_sittings=coming[:NEXT_SITTINGS],
            occurrence_count=len(occs),
            calendar_month=None if draft else self._month_of(shown),
            ics_url=ics.format(slug=event.slug),
            image_url=self.image_url(event),
            tag_urls={str(t): article_tags.get(str(t)) for t in getattr(event, "tags", [])},
            event_jsonld=jsonld.script_json(
                jsonld.event_jsonld(event, self.settings, self.image_url(event), shown)
            ),
            **common,
        )

    def _write_drafts(self, writer: Any) -> None:
        """Draft events, where the settings give them a place (make preview: drafts/events/):
        their page and .ics, and nothing else (no listing, calendar or manifest names them)."""
        if not self.settings["DRAFT_EVENT_SAVE_AS"]:
            return
        now = events_now(self.settings)
        horizon = now + timedelta(days=self.settings["EVENTS_RECURRENCE_HORIZON_DAYS"])
        name = self.settings.get("SITENAME", "Events")
        calendars = ical.CalendarSet(self.draft_events, self.settings)
        for event in self.draft_events:
            self._write_event(writer, event, expand(event, horizon), draft=True)
            save_as = self.settings["DRAFT_EVENT_ICS_SAVE_AS"].format(slug=event.slug)
            self._write_bytes(save_as, calendars.calendar([event], f"{name}: {event.title}"))

    def generate_output(self, writer: Any) -> None:
        relative = self.settings["RELATIVE_URLS"]
        common = {"month_url": self.month_url, "describe_rule": describe_rule}
        for event in self.events:
            self._write_event(writer, event, self.by_event[event], draft=False)
        self._write_drafts(writer)
        first_upcoming = self.upcoming_list[0][1] if self.upcoming_list else None
        listing = {
            "events_upcoming": self.upcoming_list,
            "events_past": self.past_list,
            "calendar_month": self._month_of(first_upcoming),
            **common,
        }
        writer.write_file(
            self.settings["EVENTS_INDEX_SAVE_AS"],
            self.get_template("events"),
            self.context,
            relative_urls=relative,
            url=self.settings["EVENTS_INDEX_URL"],
            **listing,
        )
        writer.write_file(
            self.settings["EVENTS_PAST_SAVE_AS"],
            self.get_template("events_past"),
            self.context,
            relative_urls=relative,
            url=self.settings["EVENTS_PAST_URL"],
            **listing,
        )
        template = self.get_template("calendar_month")
        for month in self.months:
            writer.write_file(
                self._month_save_as(month),
                template,
                self.context,
                relative_urls=relative,
                url=self.month_url(month),
                month=month,
                **common,
            )
        self._write_ics()

    def _write_ics(self) -> None:
        name = self.settings.get("SITENAME", "Events")
        calendars = ical.CalendarSet(self.events, self.settings)
        for event in self.events:
            data = calendars.calendar([event], f"{name}: {event.title}")
            self._write_bytes(self.settings["EVENT_ICS_SAVE_AS"].format(slug=event.slug), data)
        self._write_bytes(
            self.settings["EVENTS_CALENDAR_SAVE_AS"],
            calendars.calendar(self.events, f"{name} events"),
        )

    def _write_bytes(self, save_as: str, data: bytes) -> None:
        """Write a non-template file, leaving it untouched when its bytes did not change; in
        a rebuild, the last build's file is linked when it has the same bytes."""
        path = Path(sanitised_join(self.output_path, save_as))
        if path.exists() and path.read_bytes() == data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        previous = _previous_output(self.settings)
        write_or_link(path, data, None if previous is None else previous / save_as)
        logger.info("Writing %s", path)


def _previous_output(settings: Any) -> Path | None:
    """The last build's output during an incremental rebuild (ra_incremental), else None."""
    try:
        from ra_incremental import previous_output
    except ImportError:  # plain Pelican without the incremental plugin
        return None
    return previous_output(settings)


def _tag_pages(tags: Any) -> dict[str, str]:
    """Tags that have a tag page (from articles): name -> relative URL."""
    if not tags:
        return {}
    pairs = tags.items() if isinstance(tags, dict) else tags
    return {str(tag): tag.url for tag, _articles in pairs}
