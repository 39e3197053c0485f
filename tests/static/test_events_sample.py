"""The sample events in content/events/ as the built site shows them (shared sample build)."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
from bs4 import BeautifulSoup

from tests.conftest import REPO_ROOT

EVENTS = REPO_ROOT / "content" / "events"


def front_matter(path: Path) -> dict[str, str]:
    """The first `key: value` block of a Markdown file (enough for title/status/rrule)."""
    meta: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        if ":" in line and not line.startswith(" "):
            key, value = line.split(":", 1)
            meta[key.strip().lower()] = value.strip()
    return meta


SOURCES = {p.stem: front_matter(p) for p in sorted(EVENTS.glob("*.md")) if p.stem != "README"}
PUBLISHED = {slug: m for slug, m in SOURCES.items() if m.get("status") != "draft"}


def test_sample_has_the_events_the_issue_asks_for() -> None:
    assert len(PUBLISHED) >= 8
    assert any("rrule" in m for m in PUBLISHED.values())
    assert any(m["start"][:10] != m["end"][:10] for m in PUBLISHED.values())  # multi-day
    assert any(" 0 |" in m["tickets"] for m in PUBLISHED.values())  # a free (RSVP) event
    assert len(SOURCES) > len(PUBLISHED)  # and a draft


def test_every_published_sample_event_has_page_ics_and_jsonld(sample_site: Path) -> None:
    for slug, meta in PUBLISHED.items():
        html = (sample_site / "events" / slug / "index.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        assert soup.h1.get_text() == meta["title"]
        data = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
        [event] = [d for d in data if d.get("@type") == "Event"]
        assert event["name"] == meta["title"]
        if "rrule" in meta:  # the next sitting, and the series from its first one
            assert event["startDate"][11:16] == meta["start"][11:16]
            assert event["eventSchedule"]["startDate"] == meta["start"][:10]
        else:
            assert event["startDate"].startswith(meta["start"].replace(" ", "T"))

        cal = icalendar.Calendar.from_ical((sample_site / "events" / f"{slug}.ics").read_bytes())
        [vevent] = cal.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == meta["title"]
        assert ("RRULE" in vevent) == ("rrule" in meta)
    for slug in SOURCES.keys() - PUBLISHED.keys():
        assert not (sample_site / "events" / slug).exists()


def test_sample_calendar_holds_every_published_event(sample_site: Path) -> None:
    cal = icalendar.Calendar.from_ical((sample_site / "events" / "calendar.ics").read_bytes())
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert summaries == sorted(m["title"] for m in PUBLISHED.values())
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
