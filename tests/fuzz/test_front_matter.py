"""Front matter as an editor might type it: the validators return problems as (field,
message) pairs, never raise, never hang (site/plugins: ra_market, ra_events, ra_validate)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st
from ra_events import fields
from ra_market.validation import ProductFields, check_product
from ra_validate.reading import diagnose, front_matter

from tests.fuzz.bounds import bounded, no_hang

# What a YAML-ish front matter value can be once Pelican has read it.
scalar = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "unlimited", "-0", "--5", "²", "١٢", "1e3", "0x10", "5 ", "NaN"]),
)
value = st.one_of(scalar, st.lists(st.text(max_size=20), max_size=3))


def is_problem(item: object) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and all(isinstance(part, str) and part for part in item)
    )


@bounded
@given(
    st.dictionaries(
        st.sampled_from(["price", "currency", "stock", "image", "image_alt", "category"]), value
    )
)
@example({"price": "²", "currency": "GBP"})
@example({"price": "--5", "currency": "GBP", "stock": "--1"})
def test_product_front_matter(meta: dict[str, object]) -> None:
    with no_hang(meta):
        product, problems = check_product(meta)
    assert all(is_problem(p) for p in problems), problems
    assert (product is None) == bool(problems)
    if product is not None:
        assert isinstance(product, ProductFields) and product.price >= 0
        assert product.stock is None or product.stock >= 0


LONDON = ZoneInfo("Europe/London")
rrules = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda freq, by: f"FREQ={freq}" + by,
        st.sampled_from(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "YEARLY", "X"]),
        st.sampled_from(
            [
                "",
                ";COUNT=3",
                ";UNTIL=20270101",
                ";BYDAY=SA",
                ";INTERVAL=0",
                ";BYMONTH=13",
                ";UNTIL=20270101;COUNT=2",
                ";UNTIL=19000101",
                ";BYSETPOS=400",
            ]
        ),
    ),
)
dates = st.one_of(
    st.text(max_size=25),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat(sep=" ", timespec="minutes")),
)


@bounded
@given(
    timezone=st.one_of(st.text(max_size=30), st.sampled_from(["Europe/London", "UTC", "../x"])),
    start=dates,
    end=dates,
    rrule=rrules,
    exdate=st.one_of(dates, st.lists(dates, max_size=3).map(", ".join)),
    venue=st.one_of(st.text(max_size=60), st.just("Hall | 1 Lane | Town | AB1 2CD | GB")),
    tickets=st.one_of(
        st.text(max_size=60),
        st.just("adult | Adult | 500 | GBP | 100; child | Child | ² | GBP | 1"),
    ),
    status=st.text(max_size=15),
)
@example(timezone="Europe/London", start="2026-12-12 10:00", end="2026-12-12 12:00",
         rrule="FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", exdate="", venue="", tickets="",
         status="")  # fmt: skip
@example(timezone="Europe/London", start="2026-12-12 10:00", end="2026-12-12 12:00",
         rrule="FREQ=DAILY", exdate="9999-06-01", venue="", tickets="", status="")  # fmt: skip
def test_event_front_matter(
    timezone: str, start: str, end: str, rrule: str, exdate: str, venue: str, tickets: str,
    status: str,
) -> None:  # fmt: skip
    """The fields in the order an Event reads them (site/plugins/ra_events/content.py)."""
    problems = fields.Problems()
    with no_hang((timezone, start, rrule, exdate)):
        zone = fields.parse_timezone(timezone, "Europe/London", problems)
        first = fields.parse_local_datetime("start", start, zone, problems)
        fields.parse_local_datetime("end", end, zone, problems)
        rule = fields.parse_rrule(rrule, first, zone, problems)
        fields.parse_exdates(exdate, first, rule, problems)
        fields.parse_venue(venue, problems)
        found = fields.parse_tickets(tickets, problems)
        fields.parse_event_status(status, problems)
    assert all(is_problem(p) for p in problems.items), problems.items
    assert all(t.price >= 0 and t.capacity >= 0 for t in found)


@bounded
@given(st.binary(max_size=400), st.text(max_size=80))
def test_reading_front_matter_and_diagnosing_reader_errors(raw: bytes, message: str) -> None:
    path = Path(f"/tmp/ra-fuzz-front-matter-{id(raw)}.md")
    path.write_bytes(raw)
    try:
        with no_hang(raw):
            meta = front_matter(str(path))
            field, text = diagnose(str(path), ValueError(message))
    finally:
        path.unlink()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())
    assert field and text


def test_rules_that_dateutil_would_walk_for_minutes_are_refused_up_front() -> None:
    """Found by the property above: a sub-daily rule that never matches, or an exdate in the
    year 9999, made dateutil walk the calendar to its end (tens of seconds per event)."""
    problems = fields.Problems()
    start = fields.parse_local_datetime("start", "2026-12-12 10:00", LONDON, problems)
    rule = fields.parse_rrule("FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30", start, LONDON, problems)
    assert rule == "" and "at most daily" in problems.items[-1][1]
    daily = fields.parse_rrule("FREQ=DAILY", start, LONDON, problems)
    assert fields.parse_exdates("9999-06-01", start, daily, problems) == []
    assert problems.items[-1] == ("exdate", "9999-06-01 is more than 100 years after the start")
    assert len(fields.parse_exdates("2027-06-01", start, daily, problems)) == 1
