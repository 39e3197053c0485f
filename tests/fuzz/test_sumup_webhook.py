"""The SumUp webhook on hostile bodies: the parser finds a checkout id or None, and the
endpoint answers 200, or a 4xx problem+json, never a 500 (in-process app on SQLite, the real
SumUp client pointed at the fake SumUp process)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from commerce_api.app import create_app
from commerce_api.db import upgrade
from commerce_api.domain.payments.controllers import (
    WEBHOOK_REQUESTS_PER_MINUTE,
    checkout_id_of,
)
from commerce_api.fake_sumup import FakeSumUpProcess
from commerce_api.settings import Settings
from tests.fuzz.bounds import bounded, no_hang
from tests.fuzz.strategies import broken, json_values, nested

OLD = {"event_type": "CHECKOUT_STATUS_CHANGED", "id": "c0ffee"}
NEW = {"id": "e1", "event_type": "checkout.status.updated", "timestamp": "2026-11-27T12:00:00Z",
       "payload": {"checkout_id": "c0ffee", "reference": "RA-1", "status": "PAID"}}  # fmt: skip
#: Requests one test may send before the per-address limit (it is part of the contract too).
HTTP_EXAMPLES = WEBHOOK_REQUESTS_PER_MINUTE - 10


@bounded
@given(st.one_of(broken(OLD), broken(NEW), json_values))
def test_the_parser_finds_a_plain_checkout_id_or_nothing(body: Any) -> None:
    with no_hang(body):
        found = checkout_id_of(body)
    # Only such ids are ever looked up (and only ours are then fetched from SumUp).
    assert found is None or re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", found)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    database = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz-webhook') / 'shop.db'}"
    upgrade(database)
    with FakeSumUpProcess() as fake:
        settings = Settings(database_url=database, sumup_api_url=fake.url,
                            sumup_api_key="sk_test_fuzz", sumup_merchant_code="MFUZZ")  # fmt: skip
        with TestClient(create_app(settings)) as client:
            yield client


bodies = st.one_of(
    broken(OLD).map(lambda d: json.dumps(d).encode()),
    broken(NEW).map(lambda d: json.dumps(d).encode()),
    st.binary(max_size=120),
)


@settings(bounded, max_examples=HTTP_EXAMPLES)
@given(
    bodies, st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"])
)
@example(nested(100_000), "application/json")
def test_the_endpoint_never_fails_on_a_body(
    shop: TestClient, body: bytes, content_type: str
) -> None:
    with no_hang(body[:200]):
        response = shop.post(
            "/webhooks/sumup", content=body, headers={"Content-Type": content_type}
        )
    assert response.status_code in (200, 400, 413, 415, 429), response.text
    if response.status_code != 200:
        assert response.headers["content-type"].startswith("application/problem+json")
