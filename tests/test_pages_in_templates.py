"""No server module holds a whole HTML page: pages are Jinja templates (commerce_api/pages/
templates) that share the static site's header and stylesheet, so none can drift into an
unbranded copy of the layout kept in a Python string.

The one exception is the fake SumUp (commerce_api/fake_sumup): a stand-in for SumUp's hosted
payment page, which lives on SumUp's origin in production. It must not look like our site, and
no shopper sees it outside tests and ``make serve``.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO_ROOT

SERVERS = ("commerce_api", "federation_server")
TEST_DOUBLES = (REPO_ROOT / "commerce_api" / "fake_sumup",)
WHOLE_PAGE = re.compile(r"<!doctype|<html", re.IGNORECASE)


def _server_modules() -> list[Path]:
    return [
        path
        for package in SERVERS
        for path in sorted((REPO_ROOT / package).rglob("*.py"))
        if not any(path.is_relative_to(double) for double in TEST_DOUBLES)
    ]


def test_no_server_module_holds_a_whole_html_page() -> None:
    modules = _server_modules()
    assert len(modules) > 50  # the walk found the packages
    holders = [
        str(path.relative_to(REPO_ROOT))
        for path in modules
        if WHOLE_PAGE.search(path.read_text(encoding="utf-8"))
    ]
    assert holders == [], f"move these pages into Jinja templates: {holders}"
