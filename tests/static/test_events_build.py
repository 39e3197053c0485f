"""Events as a reader sees them: build a small corpus with `site/build_site.py` and read it.

The corpus (fixtures/events/) has a multi-day winter fair (GMT), a summer picnic (BST), a
weekly club whose rule crosses both clock changes and ends with a date-only UNTIL, a past
supper and a draft. "Now" is injected through EVENTS_NOW so the upcoming/past split is fixed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from bs4 import BeautifulSoup

from tests.conftest import REPO_ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "events" / "content"
SITEURL = "https://rose-ash.example.coop"
NOW = "2026-11-27T12:00:00+00:00"
PUBLISHED = ["frost-fair", "harvest-supper", "knit-club", "midsummer-picnic"]


def build(content: Path, output: Path, now: str = NOW) -> subprocess.CompletedProcess[str]:
    """Run the real build driver, as `make build CONTENT=... OUTPUT=...` does."""
    env = {**os.environ, "EVENTS_NOW": now, "SITE_URL": SITEURL}
    script = str(REPO_ROOT / "site" / "build_site.py")
    return subprocess.run(
        [sys.executable, script, "--content", content.name, "--output", str(output.resolve())],
        cwd=content.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("events-site")
    shutil.copytree(FIXTURE, root / "content")
    result = build(root / "content", root / "out")
    assert result.returncode == 0, result.stderr
    return root / "out"


def read_ics(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def only_event(cal: icalendar.Calendar) -> icalendar.Event:
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def jsonld_of(soup: BeautifulSoup) -> dict:
    scripts = soup.find_all("script", type="application/ld+json")
    found = [json.loads(s.string) for s in scripts]
    events = [d for d in found if d.get("@type") == "Event"]
    assert len(events) == 1
    return events[0]


# --- iCalendar ---------------------------------------------------------------------------------


def test_event_ics_carries_local_times_with_winter_and_summer_offsets(site: Path) -> None:
    winter = only_event(read_ics(site / "events" / "frost-fair.ics"))
    summer = only_event(read_ics(site / "events" / "midsummer-picnic.ics"))

    start, end = winter.decoded("DTSTART"), winter.decoded("DTEND")
    assert winter["DTSTART"].params["TZID"] == "Europe/London"
    assert start.replace(tzinfo=None) == datetime(2026, 12, 5, 10, 0)
    assert start.utcoffset() == timedelta(0)
    assert end.replace(tzinfo=None) == datetime(2026, 12, 6, 16, 0)

    start = summer.decoded("DTSTART")
    assert start.replace(tzinfo=None) == datetime(2027, 6, 19, 12, 0)
    assert start.utcoffset() == timedelta(hours=1)
    assert start.astimezone(UTC).hour == 11


def test_every_ics_has_uid_dtstamp_and_a_matching_vtimezone(site: Path) -> None:
    for slug in PUBLISHED:
        cal = read_ics(site / "events" / f"{slug}.ics")
        event = only_event(cal)
        assert str(event["UID"]) == f"event-{slug}@rose-ash.example.coop"
        assert event.decoded("DTSTAMP").tzinfo is not None
        tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
        assert tzids == {event["DTSTART"].params["TZID"]}
        assert str(event["URL"]) == f"{SITEURL}/events/{slug}/"


def test_ics_escapes_text_values(site: Path) -> None:
    raw = (site / "events" / "frost-fair.ics").read_bytes().decode()
    unfolded = raw.replace("\r\n ", "")
    assert "LOCATION:Barn\\, East Field\\, Long Lane" in unfolded
    assert "DESCRIPTION:Stalls\\; cider\\, and carols." in unfolded
    assert all(line.endswith("\r") or not line for line in raw.split("\n")[:-1])
    event = only_event(read_ics(site / "events" / "frost-fair.ics"))
    assert str(event["LOCATION"]).startswith("Barn, East Field, Long Lane")


def test_recurring_event_keeps_its_rrule_with_until_in_utc(site: Path) -> None:
    event = only_event(read_ics(site / "events" / "knit-club.ics"))
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["WE"]
    skipped = [d.dt for d in event["EXDATE"].dts]
    assert skipped == [
        datetime(2026, 12, 23, 19, tzinfo=ZoneInfo("Europe/London")),
        datetime(2026, 12, 30, 19, tzinfo=ZoneInfo("Europe/London")),
    ]
    assert event["EXDATE"].params["TZID"] == "Europe/London"
    until = rule["UNTIL"][0]
    # "UNTIL=20270331" means the end of 31 March in London (BST by then): 22:59:59 UTC.
    assert until == datetime(2027, 3, 31, 22, 59, 59, tzinfo=UTC)


def test_whole_calendar_lists_every_published_event_and_no_draft(site: Path) -> None:
    cal = read_ics(site / "events" / "calendar.ics")
    uids = sorted(str(e["UID"]) for e in cal.walk("VEVENT"))
    assert uids == [f"event-{slug}@rose-ash.example.coop" for slug in PUBLISHED]
    assert not (site / "events" / "secret-draft").exists()
    assert not (site / "events" / "secret-draft.ics").exists()


def test_uid_survives_a_title_edit(site: Path, tmp_path: Path) -> None:
    uid_before = str(only_event(read_ics(site / "events" / "frost-fair.ics"))["UID"])
    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    source = content / "events" / "frost-fair.md"
    source.write_text(source.read_text().replace("Frost fair", "Great frost fair"))
    edited = build(content, tmp_path / "out")
    assert edited.returncode == 0, edited.stderr
    event = only_event(read_ics(tmp_path / "out" / "events" / "frost-fair.ics"))
    assert str(event["SUMMARY"]) == "Great frost fair"
    assert str(event["UID"]) == uid_before == "event-frost-fair@rose-ash.example.coop"


def test_unchanged_rebuild_writes_identical_ics(site: Path, tmp_path: Path) -> None:
    again = build(site.parent / "content", tmp_path / "again")
    assert again.returncode == 0, again.stderr
    for name in ["calendar.ics", *(f"{slug}.ics" for slug in PUBLISHED)]:
        first = (site / "events" / name).read_bytes()
        assert first == (tmp_path / "again" / "events" / name).read_bytes(), name


# --- pages, JSON-LD, tickets --------------------------------------------------------------------


def test_event_page_jsonld_matches_the_front_matter(site: Path) -> None:
    data = jsonld_of(page(site, "events/frost-fair/index.html"))
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Frost fair"
    assert data["startDate"] == "2026-12-05T10:00:00+00:00"
    assert data["endDate"] == "2026-12-06T16:00:00+00:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"
    assert data["location"]["name"] == "Barn, East Field"
    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Long Lane",
        "addressLocality": "Dartington",
        "postalCode": "TQ9 6AB",
        "addressCountry": "GB",
    }
    [image] = data["image"]
    assert image.startswith(f"{SITEURL}/images/lantern.")  # content-hashed by the build
    assert (site / image.removeprefix(SITEURL + "/")).is_file()
    offers = {o["name"]: (o["price"], o["priceCurrency"]) for o in data["offers"]}
    assert offers == {"Adult": ("7.50", "GBP"), "Child": ("0.00", "GBP")}
    assert data["organizer"]["name"] == "Rose Ash"

    summer = jsonld_of(page(site, "events/midsummer-picnic/index.html"))
    assert summer["startDate"] == "2027-06-19T12:00:00+01:00"


def test_recurring_event_jsonld_shows_the_next_sitting_and_the_schedule(site: Path) -> None:
    data = jsonld_of(page(site, "events/knit-club/index.html"))
    assert data["startDate"] == "2026-12-02T19:00:00+00:00"  # first Wednesday after "now"
    assert data["endDate"] == "2026-12-02T21:00:00+00:00"
    assert data["eventSchedule"] == {
        "@type": "Schedule",
        "scheduleTimezone": "Europe/London",
        "startDate": "2026-10-07",
        "startTime": "19:00:00",
        "endTime": "21:00:00",
        "repeatFrequency": "P1W",
        "byDay": ["https://schema.org/Wednesday"],
        "endDate": "2027-03-31",
        "exceptDate": ["2026-12-23", "2026-12-30"],
    }


def test_ticket_forms_work_without_javascript_and_show_prices(site: Path) -> None:
    soup = page(site, "events/frost-fair/index.html")
    forms = soup.select("form[data-ticket-id]")
    assert [f["data-ticket-id"] for f in forms] == [
        "ticket:frost-fair:adult",
        "ticket:frost-fair:child",
    ]
    for form in forms:
        assert form["method"] == "post" and form["action"]
        assert form.find("input", {"name": "item_id"})["value"] == form["data-ticket-id"]
        quantity = form.find("input", {"name": "quantity"})
        assert soup.find("label", attrs={"for": quantity["id"]}) is not None
        assert form.find("button", type="submit") is not None
    prices = [p.get_text() for p in soup.select(".ticket .price")]
    assert prices == ["£7.50", "Free"]
    link = soup.select_one(".prose a")
    assert link["href"] == f"{SITEURL}/events/knit-club/"


def test_a_finished_event_takes_no_more_bookings(site: Path) -> None:
    soup = page(site, "events/harvest-supper/index.html")
    assert soup.select("form[data-ticket-id]") == []
    assert "This event has finished." in soup.get_text()
    assert [p.get_text() for p in soup.select(".ticket .stock")] == ["Booking closed"]


def test_every_image_on_event_pages_has_alt_text(site: Path) -> None:
    for html in (site / "events").rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for img in soup.find_all("img"):
            assert img.has_attr("alt"), f"{html}: {img}"
        assert len(soup.find_all("h1")) == 1, html


# --- upcoming, past, widget ---------------------------------------------------------------------


def linked_slugs(soup: BeautifulSoup, selector: str) -> list[str]:
    slugs = []
    for a in soup.select(selector):
        parts = a["href"].removeprefix(SITEURL).strip("/").split("/")
        if len(parts) == 2 and parts[0] == "events":
            slugs.append(parts[1])
    return slugs


def test_upcoming_and_past_split_by_injected_now(site: Path, tmp_path: Path) -> None:
    upcoming = linked_slugs(page(site, "events/index.html"), "main .event-card h2 a")
    past = linked_slugs(page(site, "events/past/index.html"), "main .event-card h2 a")
    assert upcoming == ["knit-club", "frost-fair", "midsummer-picnic"]
    assert past == ["harvest-supper"]

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    later = build(content, tmp_path / "out", now="2027-04-01T12:00:00+01:00")
    assert later.returncode == 0, later.stderr
    upcoming = linked_slugs(page(tmp_path / "out", "events/index.html"), "main .event-card h2 a")
    past = linked_slugs(page(tmp_path / "out", "events/past/index.html"), "main .event-card h2 a")
    assert upcoming == ["midsummer-picnic"]
    assert past == ["knit-club", "frost-fair", "harvest-supper"]


def test_upcoming_widget_lists_each_event_once_with_its_next_sittings(site: Path) -> None:
    widget = page(site, "index.html").select_one("section.upcoming-events")
    assert widget is not None
    items = widget.select("li")
    titles = [item.a.get_text() for item in items]
    assert titles == ["Knit club", "Frost fair", "Midsummer picnic"]  # the weekly club once
    knit = [t["datetime"] for t in items[0].find_all("time")]
    assert knit == [
        "2026-12-02T19:00:00+00:00",
        "2026-12-09T19:00:00+00:00",
        "2026-12-16T19:00:00+00:00",
        "2027-01-06T19:00:00+00:00",  # 23 and 30 December are skipped (exdate)
    ]
    assert [t["datetime"] for t in items[1].find_all("time")] == ["2026-12-05T10:00:00+00:00"]


# --- month calendars ----------------------------------------------------------------------------


def month_days(site: Path, year: int, month: int) -> dict[int, list[str]]:
    soup = page(site, f"events/{year:04d}/{month:02d}/index.html")
    days: dict[int, list[str]] = {}
    for cell in soup.select("table.calendar td:not(.outside)"):
        number = int(cell.select_one(".day-number").get_text())
        days[number] = [a.get_text(" ", strip=True) for a in cell.select("li a")]
    return days


def test_month_pages_include_recurring_occurrences(site: Path) -> None:
    december = month_days(site, 2026, 12)
    wednesdays = [d for d in range(1, 32) if date(2026, 12, d).weekday() == 2]
    assert wednesdays == [2, 9, 16, 23, 30]
    for day in [2, 9, 16]:
        assert "19:00 Knit club" in december[day], day
    for day in [23, 30]:  # skipped with exdate
        assert december[day] == [], day
    assert "10:00 Frost fair" in december[5]
    assert "Frost fair" in december[6]  # the second day of a multi-day event
    assert not any(
        "Knit club" in t for d, ts in december.items() if d not in wednesdays for t in ts
    )

    march = page(site, "events/2027/03/index.html")
    # The last sitting is after the clock change, still 19:00 local (and before UNTIL).
    assert march.find("time", datetime="2027-03-31T19:00:00+01:00") is not None
    assert not any("Knit club" in t for ts in month_days(site, 2027, 4).values() for t in ts)


def test_month_pages_cover_every_month_and_prev_next_links_resolve(site: Path) -> None:
    months = sorted((site / "events").glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"))
    names = [f"{p.parent.parent.name}-{p.parent.name}" for p in months]
    expected, year, month = [], 2026, 9
    while (year, month) <= (2027, 6):
        expected.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    assert names == expected
    for path in months:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for rel in ("prev", "next"):
            for link in soup.select(f"nav.month-nav a[rel={rel}]"):
                target = link["href"].removeprefix(SITEURL).strip("/")
                assert (site / target / "index.html").is_file(), f"{path}: {link['href']}"
    first = BeautifulSoup(months[0].read_text(encoding="utf-8"), "html.parser")
    last = BeautifulSoup(months[-1].read_text(encoding="utf-8"), "html.parser")
    assert first.select("nav.month-nav a[rel=prev]") == []
    assert last.select("nav.month-nav a[rel=next]") == []


# --- manifests ----------------------------------------------------------------------------------


def manifest(site: Path, name: str) -> dict:
    return json.loads((site / "_data" / name).read_text(encoding="utf-8"))


def check_hash(entry: dict) -> None:
    body = {k: v for k, v in entry.items() if k != "content_hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    assert entry["content_hash"] == "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def test_catalog_has_every_ticket_type_of_published_events(site: Path) -> None:
    tickets = {i["id"]: i for i in manifest(site, "catalog.json")["items"] if i["kind"] == "ticket"}
    assert sorted(tickets) == [
        "ticket:frost-fair:adult",
        "ticket:frost-fair:child",
        "ticket:harvest-supper:adult",
        "ticket:knit-club:seat",
        "ticket:midsummer-picnic:place",
    ]
    adult = tickets["ticket:frost-fair:adult"]
    assert adult["event_id"] == "event:frost-fair"
    assert adult["event_title"] == "Frost fair"
    assert adult["title"] == "Frost fair: Adult"
    assert adult["url"] == f"{SITEURL}/events/frost-fair/"
    assert (adult["price"], adult["currency"], adult["capacity"]) == (750, "GBP", 50)
    assert adult["starts_at"] == "2026-12-05T10:00:00+00:00"
    assert adult["ends_at"] == "2026-12-06T16:00:00+00:00"
    assert tickets["ticket:frost-fair:child"]["price"] == 0
    for item in tickets.values():
        check_hash(item)


def test_activitystreams_has_one_event_object_per_published_event(site: Path) -> None:
    objects = manifest(site, "activitystreams.json")["objects"]
    events = {o["id"]: o for o in objects if o["type"] == "Event"}
    assert sorted(events) == [f"event:{slug}" for slug in PUBLISHED]
    fair = events["event:frost-fair"]
    assert fair["section"] == "events"
    assert fair["name"] == "Frost fair"
    assert fair["url"] == f"{SITEURL}/events/frost-fair/"
    assert fair["startTime"] == "2026-12-05T10:00:00+00:00"
    assert fair["endTime"] == "2026-12-06T16:00:00+00:00"
    assert fair["timezone"] == "Europe/London"
    assert fair["published"] == "2026-10-01T08:00:00Z"  # date: 09:00 London (BST)
    assert fair["location"] == {
        "type": "Place",
        "name": "Barn, East Field",
        "address": {
            "type": "PostalAddress",
            "streetAddress": "Long Lane",
            "addressLocality": "Dartington",
            "postalCode": "TQ9 6AB",
            "addressCountry": "GB",
        },
    }
    assert "Two days of stalls" in fair["content"]
    # A link to an event read later than this one still resolves (content rendered late).
    assert f'href="{SITEURL}/events/knit-club/"' in fair["content"]
    assert fair["tag"] == [
        {"type": "Hashtag", "name": "#fair", "href": f"{SITEURL}/tag/fair/"},
    ]
    [image] = fair["attachment"]
    assert image["name"] == "A candle lantern on a frosty gate post"
    assert image["mediaType"] == "image/png"
    assert (site / image["url"].removeprefix(SITEURL + "/")).is_file()
    assert events["event:midsummer-picnic"]["startTime"] == "2027-06-19T12:00:00+01:00"
    for entry in events.values():
        check_hash(entry)


def test_a_recurring_event_federates_its_next_sitting_and_moves_on_when_it_passes(
    site: Path, tmp_path: Path
) -> None:
    club = {o["id"]: o for o in manifest(site, "activitystreams.json")["objects"]}[
        "event:knit-club"
    ]
    # Wednesdays 19:00 London; "now" is Friday 27 November: the next sitting is 2 December.
    assert (club["startTime"], club["endTime"]) == (
        "2026-12-02T19:00:00+00:00",
        "2026-12-02T21:00:00+00:00",
    )
    check_hash(club)

    content = tmp_path / "content"
    shutil.copytree(FIXTURE, content)
    later = build(content, tmp_path / "out", now="2026-12-02T21:30:00+00:00")
    assert later.returncode == 0, later.stderr
    moved = {o["id"]: o for o in manifest(tmp_path / "out", "activitystreams.json")["objects"]}
    assert moved["event:knit-club"]["startTime"] == "2026-12-09T19:00:00+00:00"
    # A new content_hash: the next publish sends followers an Update with the new sitting.
    assert moved["event:knit-club"]["content_hash"] != club["content_hash"]
    check_hash(moved["event:knit-club"])
    # A one-off event keeps its times (and its hash).
    assert (
        moved["event:frost-fair"]["content_hash"]
        == {o["id"]: o for o in manifest(site, "activitystreams.json")["objects"]}[
            "event:frost-fair"
        ]["content_hash"]
    )
