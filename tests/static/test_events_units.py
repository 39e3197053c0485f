"""The events plugin's rules, called directly: front matter, money, recurrence, occurrences."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from pelican.settings import DEFAULT_CONFIG
from ra_events.content import Event
from ra_events.fields import Problems, TicketType, parse_rrule, parse_tickets
from ra_events.ical import calendar_bytes
from ra_events.money import format_price
from ra_events.occurrences import build_months, describe_rule, expand
from ra_events.settings import apply_defaults, events_now

LONDON = ZoneInfo("Europe/London")
VENUE = "Hall | 1 High St | Totnes | TQ9 5AA | GB"


def make_event(**meta: str) -> Event:
    settings = copy.deepcopy(DEFAULT_CONFIG)
    apply_defaults(settings)
    metadata = {"title": "Club", "start": "2026-10-17 10:00", "end": "2026-10-17 12:00"}
    metadata |= {"venue": VENUE} | meta
    return Event("<p>Hello</p>", metadata, settings, "events/club.md", {})


def test_tickets_accept_semicolons_and_lines() -> None:
    problems = Problems()
    tickets = parse_tickets(
        ["adult | Adult | 500 | GBP | 10; child|Child|0|GBP|5", "x|X|1|EUR|0"], problems
    )
    assert not problems
    assert tickets == [
        TicketType("adult", "Adult", 500, "GBP", 10),
        TicketType("child", "Child", 0, "GBP", 5),
        TicketType("x", "X", 1, "EUR", 0),
    ]


def test_ticket_problems_name_the_ticket_and_keep_going() -> None:
    problems = Problems()
    tickets = parse_tickets("a|A|5.00|GBP|1; b|B|1|GBP|1; b|B again|1|GBP|1; c|C|1", problems)
    assert [t.slug for t in tickets] == ["b"]
    assert problems.items == [
        ("tickets", "a: price 5.00 is not a whole number of minor units"),
        ("tickets", "b: ticket slug is used twice"),
        ("tickets", "c|C|1 needs 5 fields: slug | label | price | currency | capacity"),
    ]


def test_prices_are_formatted_per_currency() -> None:
    assert format_price(500, "GBP") == "£5.00"
    assert format_price(1250, "EUR") == "€12.50"
    assert format_price(1200, "JPY").endswith("1,200")  # the yen has no minor unit
    assert format_price(0, "GBP") == "Free"


def test_until_as_a_local_date_becomes_the_end_of_that_day_in_utc() -> None:
    winter = parse_rrule("FREQ=WEEKLY;UNTIL=20270110", None, LONDON, Problems())
    summer = parse_rrule("RRULE:FREQ=DAILY;UNTIL=20270710T180000", None, LONDON, Problems())
    assert "UNTIL=20270110T235959Z" in winter
    assert "UNTIL=20270710T170000Z" in summer


def test_weekly_occurrences_keep_local_time_across_the_clock_change() -> None:
    event = make_event(rrule="FREQ=WEEKLY;COUNT=3")
    assert not event.problems
    occurrences = expand(event, datetime(2030, 1, 1, tzinfo=UTC))
    assert [o.start.hour for o in occurrences] == [10, 10, 10]
    offsets = [o.start.utcoffset() for o in occurrences]
    assert offsets == [timedelta(hours=1), timedelta(hours=1), timedelta(0)]  # 25 Oct 2026
    assert [o.end - o.start for o in occurrences] == [timedelta(hours=2)] * 3


def test_open_ended_rules_stop_at_the_horizon_and_months_link_up() -> None:
    event = make_event(rrule="FREQ=WEEKLY")
    occurrences = expand(event, datetime(2027, 1, 1, tzinfo=UTC))
    assert occurrences[-1].start < datetime(2027, 1, 1, tzinfo=UTC)
    assert len(occurrences) == 11  # Saturdays 17 Oct - 26 Dec 2026
    months = build_months(occurrences)
    assert [(m.year, m.month) for m in months] == [(2026, 10), (2026, 11), (2026, 12)]
    assert months[0].prev is None and months[0].next is months[1]
    assert months[2].prev is months[1] and months[2].next is None
    assert len(months[1].occurrences) == 4


def test_slug_comes_from_the_file_name_never_the_title() -> None:
    assert make_event(title="A brand new title").slug == "club"
    assert make_event(slug="winter-club").slug == "winter-club"
    assert make_event(slug="past").problems.items == [
        ("slug", "past is reserved for the events listings")
    ]


def test_describe_rule_reads_like_english() -> None:
    assert describe_rule("FREQ=WEEKLY;UNTIL=20270626T225959Z;BYDAY=SA") == (
        "Every Saturday until 26 June 2027"
    )
    assert describe_rule("FREQ=MONTHLY;INTERVAL=2;COUNT=4") == "Every 2 months, 4 times"


def test_now_comes_from_the_setting() -> None:
    assert events_now({"EVENTS_NOW": "2026-11-27T12:00:00+00:00"}) == datetime(
        2026, 11, 27, 12, tzinfo=UTC
    )
    local = events_now(
        {"EVENTS_NOW": "2026-07-01 09:00", "EVENTS_DEFAULT_TIMEZONE": "Europe/London"}
    )
    assert local.utcoffset() == timedelta(hours=1)


def test_calendar_has_a_vtimezone_per_zone_used_and_none_for_utc() -> None:
    london = make_event()
    utc = make_event(timezone="UTC", slug="utc-club")
    york = make_event(timezone="America/New_York", slug="york-club")
    assert not london.problems and not utc.problems and not york.problems
    settings = london.settings | {"SITEURL": "https://example.coop"}
    cal = icalendar.Calendar.from_ical(calendar_bytes([london, utc, york], settings, "All"))
    assert sorted(str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/London",
    ]
    starts = {str(e["UID"]): e.decoded("DTSTART") for e in cal.walk("VEVENT")}
    assert starts["event-utc-club@example.coop"] == datetime(2026, 10, 17, 10, tzinfo=UTC)
    assert starts["event-york-club@example.coop"].utcoffset() == timedelta(hours=-4)
    assert b"DTSTART:20261017T100000Z" in calendar_bytes([utc], settings, "UTC")
