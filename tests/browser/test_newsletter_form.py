"""An anonymous reader subscribes to a newsletter from the home page and from a post, in real
Chromium with JavaScript off and on (issue 11 item 13: the API supported it, the site had no
form). Double opt-in: nothing is subscribed until the emailed link is followed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop

pytestmark = pytest.mark.browser


def _subscribe(page: Any, url: str, email: str, shop: Shop) -> None:
    page.goto(url)
    form = page.locator("form[data-newsletter-form]")
    expect(form).to_have_count(1)
    form.get_by_label("Email address").fill(email)
    form.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(f"{shop.api_url}/newsletters/**")
    expect(page.locator("h1")).to_have_text("Check your inbox")
    expect(page.locator("main")).to_contain_text(email)

    mails = shop.mail(email)
    assert len(mails) == 1 and "Monthly news" in mails[0]
    link = re.search(r"http\S+/newsletters/confirm-link\?token=\S+", mails[0])
    assert link, mails[0]
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("main")).to_contain_text("you are subscribed")


def test_a_reader_without_javascript_subscribes_from_the_home_page(
    page_without_js: Any, site_server: str, shop: Shop
) -> None:
    _subscribe(page_without_js, f"{site_server}/", "reader-home@example.org", shop)


def test_a_reader_subscribes_after_a_post(page: Any, site_server: str, shop: Shop) -> None:
    _subscribe(
        page, f"{site_server}/blog/2026/apple-harvest-2026/", "reader-post@example.org", shop
    )
