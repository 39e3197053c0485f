"""Minor units <-> SumUp decimals, and parsing both of SumUp's error shapes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce_api.sumup import (
    Checkout,
    SumUpError,
    SumUpRejected,
    major_to_minor,
    minor_to_major,
)
from commerce_api.sumup._money import dumps


@pytest.mark.parametrize(
    ("minor", "currency", "major"),
    [
        (650, "GBP", "6.50"),
        (5, "EUR", "0.05"),
        (100000, "gbp", "1000.00"),
        (1200, "JPY", "1200"),
        (1234, "KWD", "1.234"),
    ],
)
def test_minor_units_become_exact_decimals(minor: int, currency: str, major: str) -> None:
    assert minor_to_major(minor, currency) == Decimal(major)
    assert str(minor_to_major(minor, currency)) == major
    assert major_to_minor(Decimal(major), currency) == minor


def test_floats_and_fractions_of_a_penny_are_refused() -> None:
    with pytest.raises(TypeError):
        minor_to_major(6.5, "GBP")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        major_to_minor(6.5, "GBP")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        major_to_minor(Decimal("6.505"), "GBP")
    with pytest.raises(ValueError):
        major_to_minor(Decimal("12.5"), "JPY")


def test_json_body_writes_decimals_as_exact_numbers() -> None:
    body = dumps({"amount": Decimal("6.50"), "hosted_checkout": {"enabled": True}, "x": "é"})
    assert body == b'{"amount":6.50,"hosted_checkout":{"enabled":true},"x":"\\u00e9"}'


def test_legacy_error_shape_is_parsed() -> None:
    err = SumUpRejected.from_body(
        400, {"message": "Validation error", "error_code": "MISSING", "param": "merchant_code"}
    )
    assert (err.status_code, err.error_code, err.param) == (400, "MISSING", "merchant_code")
    listed = SumUpRejected.from_body(400, [{"error_code": "INVALID", "param": "amount"}])
    assert (listed.error_code, listed.param) == ("INVALID", "amount")


def test_problem_details_shape_is_parsed() -> None:
    err = SumUpRejected.from_body(
        409,
        {
            "type": "https://developer.sumup.com/problem/session-already-processed",
            "title": "Conflict",
            "status": 409,
            "detail": "The checkout session abc is already processed",
        },
    )
    assert err.problem_type.endswith("/session-already-processed")
    assert err.message == "The checkout session abc is already processed"
    assert err.error_code is None


def test_checkout_parsing_rejects_an_unknown_status() -> None:
    data = {"id": "c1", "status": "WEIRD", "amount": Decimal("1.00"), "currency": "GBP"}
    with pytest.raises(SumUpError):
        Checkout.from_api(data)
