"""The static site's no-JavaScript subscribe form, posted to the API (issue 11 item 13): a page
says to check the inbox and the confirmation mail is queued (double opt-in); a bad address or
another site's form gets a readable page with its 4xx, and JSON clients are unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from tests.accounts.helpers import api, make_settings, outbox, token_in
from tests.commerce import catalogs

SITE = "https://rose-ash.example.coop"
SUBSCRIBE = "/newsletters/newsletter:monthly/subscribe"


async def test_the_site_form_subscribes_an_anonymous_reader(
    database_url: str, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(catalogs.sample()))
    async with api(make_settings(database_url, catalog_path=str(catalog))) as client:
        done = await client.post(
            SUBSCRIBE, data={"email": "reader@example.org"}, headers={"Origin": SITE}
        )
        assert done.status_code == 200
        assert done.headers["content-type"].startswith("text/html")
        assert "Check your inbox" in done.text and "reader@example.org" in done.text
        assert f'href="{SITE}/"' in done.text  # a way back to the site
        (mail,) = await outbox(database_url, "reader@example.org")
        token = token_in(mail.body_text, "/newsletters/confirm-link")
        confirmed = await client.post("/newsletters/confirm-link", data={"token": token})
        assert "you are subscribed" in confirmed.text

        empty = await client.post(SUBSCRIBE, data={"email": " "}, headers={"Origin": SITE})
        assert empty.status_code == 422 and "email address" in empty.text
        bad = await client.post(
            SUBSCRIBE, data={"email": "not-an-address"}, headers={"Origin": SITE}
        )
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
        elsewhere = await client.post(
            SUBSCRIBE,
            data={"email": "victim@example.org"},
            headers={"Origin": "https://evil.example"},
        )
        assert elsewhere.status_code == 403
        assert await outbox(database_url, "victim@example.org") == []

        as_json = await client.post(SUBSCRIBE, json={"email": "api@example.org"})
        assert as_json.status_code == 202 and as_json.json()["detail"]
