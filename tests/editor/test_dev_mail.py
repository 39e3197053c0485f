"""The development mailbox page: lists the outbox with working links; absent unless
DEV_MAILBOX=1 with the development secret (a real SECRET_KEY never shows it)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from commerce_api.settings import Settings
from tests.accounts.helpers import api, make_settings

EMAIL = "ann@example.org"


async def test_the_mailbox_lists_queued_mail_with_working_links(database_url: str) -> None:
    settings = make_settings(database_url, dev_mailbox=True)
    async with api(settings) as client:
        response = await client.post(
            "/account/register", json={"email": EMAIL, "password": "correct horse battery"}
        )
        assert response.status_code == 202, response.text
        page = await client.get("/_dev/mail")
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        soup = BeautifulSoup(page.text, "html.parser")
        assert f"To {EMAIL}" in soup.get_text(" ")
        links = [a["href"] for a in soup.find_all("a")]
        verify = next(link for link in links if "/auth/verify-email?" in link)
        assert verify.startswith("http://127.0.0.1:9/auth/verify-email?token=")
        token = re.search(r"token=([^&]+)", verify)
        assert token is not None
        done = await client.post("/account/verify-email", json={"token": token.group(1)})
        assert done.status_code == 200, done.text  # the link on the page works


async def test_absent_by_default_and_with_a_production_secret(database_url: str) -> None:
    for settings in (
        make_settings(database_url),
        make_settings(database_url, dev_mailbox=True, secret_key="a-real-production-secret"),
    ):
        async with api(settings) as client:
            assert (await client.get("/_dev/mail")).status_code == 404


def test_the_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({"DEV_MAILBOX": "1"}).dev_mailbox is True
    assert Settings.from_env({}).dev_mailbox is False
