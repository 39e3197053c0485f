"""The shop API says the truth in its OpenAPI document: a bounded schemathesis run
(``--checks all``) against a real ``serve`` process finds no mismatch, on SQLite and
PostgreSQL; and the document itself carries what the fuzzer relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from commerce_api.fake_sumup import FakeSumUpProcess
from tests.commerce.api_process import ApiProcess
from tests.schemathesis_run import mismatches


@pytest.mark.slow
def test_schemathesis_finds_no_mismatch(
    database_url: str, fake_sumup: FakeSumUpProcess, tmp_path: Path
) -> None:
    api = ApiProcess(database_url, fake_sumup.url, tmp_path)
    api.start()
    try:
        found, summary = mismatches(api.url, tmp_path / "report")
    finally:
        api.stop()
    assert found == [], summary


def test_every_path_answers_options_with_all_its_methods(tmp_path: Path) -> None:
    """Litestar's automatic OPTIONS named only the first handler's methods of a path."""
    from litestar.testing import TestClient

    from commerce_api.app import create_app
    from tests.commerce.conftest import make_settings

    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'db'}"))
    with TestClient(app) as client:
        assert client.options("/account/profile").headers["allow"] == "GET, OPTIONS, PATCH"
        assert client.options("/cart/items/x").headers["allow"] == "DELETE, OPTIONS, PUT"


def test_document_carries_token_formats_and_shared_answers(tmp_path: Path) -> None:
    from litestar.testing import TestClient

    from commerce_api.app import create_app
    from commerce_api.tokens import TOKEN_PATTERN
    from tests.commerce.conftest import make_settings

    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'db'}"))
    with TestClient(app) as client:
        document = client.get("/schema/openapi.json").json()
    order = document["paths"]["/orders/{order_token}"]["get"]
    assert order["parameters"][0]["schema"]["pattern"] == TOKEN_PATTERN
    assert "application/problem+json" in order["responses"]["503"]["content"]
    checkout = document["paths"]["/checkout"]["post"]
    key = next(p for p in checkout["parameters"] if p["name"] == "Idempotency-Key")
    assert key["required"] is True
    assert {"400", "403", "413", "415", "503"} <= set(checkout["responses"])
    add = document["paths"]["/cart/items"]["post"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(
        add["requestBody"]["content"]
    ), "the static pages' Add to cart is a form post"
    token = document["paths"]["/oauth/token"]["post"]["requestBody"]["content"]
    assert list(token) == ["application/x-www-form-urlencoded"]
    page = document["paths"]["/cart/view"]["get"]
    assert set(page["responses"]["200"]["content"]) == {"text/html"}
    assert not page["parameters"][0].get("required"), "the cart page works without a cart"


def test_a_tampered_link_or_form_token_is_a_4xx_not_a_500(tmp_path: Path) -> None:
    """``hmac.compare_digest`` raised TypeError on non-ASCII text (found by schemathesis)."""
    from litestar.testing import TestClient

    from commerce_api.app import create_app
    from tests.commerce.conftest import make_settings

    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'db'}"))
    with TestClient(app) as client:
        answer = client.post("/newsletters/unsubscribe?s=1&sig=%C3%A9t%C3%A9")
    assert answer.status_code == 400
    assert "not valid" in answer.text
