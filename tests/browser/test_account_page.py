"""The static site's account page in headless Chromium, against a real commerce API process.

The sample site is built into a temporary folder pointing at this module's own loopback API
(so the member's mail can be read from that API's outbox), served as static files, and a
member registers through the API, confirms through the outbox, signs in on the API's
server-rendered form and lands back on the account page, which shows the profile and manages
newsletters over cookie-authenticated, CSRF-checked requests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.accounts.helpers import CHEAP_ARGON2
from tests.browser.conftest import queued_mail, serve_stack
from tests.conftest import REPO_ROOT, free_port

pytestmark = pytest.mark.browser

EMAIL = "ann@example.org"
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Stack:
    site_url: str
    api_url: str
    database: Path

    def mail(self, to: str) -> list[str]:
        return queued_mail(self.database, to)

    def token(self, to: str, path: str) -> str:
        match = re.search(re.escape(path) + r"\?token=(\S+)", self.mail(to)[-1])
        assert match, self.mail(to)
        return match.group(1)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    site_port, api_port = free_port(), free_port()
    site_url, api_url = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{api_port}"
    folder = tmp_path_factory.mktemp("account")
    site = folder / "site"
    built = subprocess.run(
        [sys.executable, "site/build_site.py", "--content", "content", "--output", str(site)],
        cwd=REPO_ROOT,
        env={**os.environ, "SITE_URL": site_url, "COMMERCE_URL": api_url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    database = folder / "commerce.db"
    env = serve_stack.commerce_env(
        database_url=f"sqlite+aiosqlite:///{database}",
        site_url=site_url,
        api_url=api_url,
        sumup_url="http://127.0.0.1:9",
    )
    env.update({k.upper(): str(v) for k, v in CHEAP_ARGON2.items()}, EXPIRY_SWEEP_SECONDS="0")
    static = serve_stack.StaticServer(site, "127.0.0.1", site_port).start()
    api = serve_stack.start_commerce_api(
        env, site / "_data" / "catalog.json", "127.0.0.1", api_port
    )
    try:
        yield Stack(site_url, api_url, database)
    finally:
        serve_stack.stop_process(api)
        static.stop()


def test_account_page_reads_well_without_javascript(page_without_js: Any, stack: Stack) -> None:
    page = page_without_js
    response = page.goto(stack.site_url + "/account/")
    assert response is not None and response.status == 200
    assert page.locator("h1").inner_text().strip() == "Your account"
    assert "newsletters you receive" in page.locator("main").inner_text()
    form = page.locator("[data-account] form")
    assert form.get_attribute("action") == stack.api_url + "/auth/signin"
    assert form.locator('input[name="next"]').input_value() == stack.site_url + "/account/"
    form.get_by_role("button", name="Sign in to your account").click()
    page.wait_for_url(stack.api_url + "/auth/signin?*")
    assert page.get_by_label("Email").is_visible()  # the server-rendered sign-in form


def test_member_signs_in_and_manages_newsletters(page: Any, stack: Stack) -> None:
    page.goto(stack.site_url + "/account/")
    register = page.locator("[data-account-register]")
    # A problem from the API is shown as it explains itself.
    register.get_by_label("Email").fill(EMAIL)
    register.get_by_label("Password").fill("short")
    register.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a stronger password")

    # Registration through the API, confirmation through the outbox.
    answer = httpx.post(
        stack.api_url + "/account/register", json={"email": EMAIL, "password": PASSWORD}
    )
    assert answer.status_code == 202
    token = stack.token(EMAIL, "/auth/verify-email")
    assert httpx.post(stack.api_url + "/account/verify-email", json={"token": token}).is_success

    # Sign in on the API's own page; it sends the browser back to the account page.
    page.get_by_role("button", name="Sign in to your account").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(stack.site_url + "/account/")
    expect(page.locator("[data-account-email]")).to_have_text(EMAIL)
    expect(page.locator('[data-account-section="orders"]')).to_contain_text("No orders yet.")

    monthly = page.locator('[data-newsletter="newsletter:monthly"]')
    expect(page.locator("[data-newsletter]")).to_have_count(3)  # every newsletter of the site
    monthly.get_by_role("button", name="Subscribe").click()
    expect(monthly).to_have_attribute("data-status", "pending")
    expect(page.get_by_role("status").first).to_contain_text("Check your inbox")

    # Confirmed from the email, it shows as subscribed; leaving works from the page.
    confirm = stack.token(EMAIL, "/newsletters/confirm-link")
    assert httpx.post(stack.api_url + "/newsletters/confirm", json={"token": confirm}).is_success
    page.reload()
    monthly.get_by_role("button", name="Unsubscribe").click()
    expect(monthly).to_have_attribute("data-status", "unsubscribed")

    # A free booking made with the member's session is listed; cancelling it from the page
    # frees the place.
    api = page.context.request  # shares the browser's cookies
    csrf = api.get(stack.api_url + "/account/session").json()["csrf_token"]
    booked = api.post(
        stack.api_url + "/bookings",
        data={"item_id": "ticket:blossom-walk-2027:walker", "quantity": 1},
        headers={"X-CSRF-Token": csrf},
    )
    assert booked.status == 201, booked.text()
    reference = booked.json()["reference"]
    page.reload()
    booking = page.locator(f'[data-booking="{reference}"]')
    expect(booking).to_have_attribute("data-state", "paid")
    booking.get_by_role("button", name="Cancel booking").click()
    expect(booking).to_have_attribute("data-state", "cancelled")
    expect(page.get_by_role("status").first).to_contain_text("the place is free")

    # Signing out ends the session; the page offers the sign-in again.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in to your account")).to_be_visible()
    expect(page.locator("[data-account-email]")).to_have_count(0)
