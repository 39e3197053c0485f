"""Delivery scheduling rules as plain functions: classification, backoff, host health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from federation_server.delivery import (
    HostHealth,
    Outcome,
    backoff_seconds,
    classify,
    parse_retry_after,
    retry_at,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (202, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (None, Outcome.RETRY),
        (500, Outcome.RETRY),
        (502, Outcome.RETRY),
        (503, Outcome.RETRY),
        (401, Outcome.RETRY),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (400, Outcome.REJECTED),
        (403, Outcome.REJECTED),
        (404, Outcome.REJECTED),
        (422, Outcome.REJECTED),
        (501, Outcome.REJECTED),
        (410, Outcome.GONE),
    ],
)
def test_classify(status, outcome):
    assert classify(status) is outcome


def test_backoff_follows_mastodons_curve_over_about_two_to_three_days():
    low = [backoff_seconds(n, rand=lambda: 0.0) for n in range(1, 17)]
    high = [backoff_seconds(n, rand=lambda: 1.0) for n in range(1, 17)]
    assert low[0] == 16  # 1^4 + 15
    assert low == sorted(low) and all(h > lo for h, lo in zip(high, low, strict=True))
    days = 24 * 3600
    assert 2 * days < sum(low[:15]) and sum(high) < 3.5 * days


def test_backoff_base_scales_the_whole_curve():
    assert backoff_seconds(3, base=1.5, rand=lambda: 0.5) == pytest.approx(
        backoff_seconds(3, rand=lambda: 0.5) / 10
    )


def test_retry_at_gives_up_after_the_last_attempt_and_honours_retry_after():
    assert retry_at(16, NOW, max_attempts=16) is None
    soon = retry_at(1, NOW, max_attempts=16, rand=lambda: 0.0)
    assert soon == NOW + timedelta(seconds=16)
    later = retry_at(1, NOW, max_attempts=16, retry_after=3600, rand=lambda: 0.0)
    assert later == NOW + timedelta(seconds=3600)


def test_parse_retry_after():
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after("Fri, 27 Nov 2026 12:10:00 GMT", NOW) == 600
    assert parse_retry_after("Fri, 27 Nov 2026 11:00:00 GMT", NOW) == 0
    assert parse_retry_after("9999999", NOW) == 24 * 3600
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_breaker_opens_after_ten_failures_in_a_row_and_closes_on_success():
    health = HostHealth()
    for _ in range(9):
        health = health.failed(NOW)
    assert not health.is_open(NOW)
    health = health.failed(NOW)
    assert health.is_open(NOW) and not health.is_open(NOW + timedelta(seconds=61))
    assert not health.succeeded().is_open(NOW)


def test_host_failing_on_seven_distinct_days_is_unavailable_until_it_answers():
    health = HostHealth()
    for day in range(6):
        health = health.failed(NOW + timedelta(days=day)).failed(NOW + timedelta(days=day))
    assert not health.unavailable
    seventh = NOW + timedelta(days=6)
    health = health.failed(seventh)
    assert health.unavailable
    assert health.is_open(seventh + timedelta(hours=23))  # tried at most once a day
    assert not health.is_open(seventh + timedelta(hours=25))
    recovered = health.succeeded()
    assert not recovered.unavailable and recovered.failure_days == ()
