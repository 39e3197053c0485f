"""Signing up without JavaScript (issue 11 item 12): the sign-in page links to a
server-rendered sign-up form, which works as a plain form post (with a double-submit token),
answers with a page, and leads to the usual confirmation email."""

from __future__ import annotations

from tests.accounts.helpers import api, make_settings, outbox, sign_in, token_in
from tests.oauth.helpers import form_fields

EMAIL = "new.member@example.org"
PASSWORD = "a long enough passphrase"


async def test_sign_up_with_plain_forms(database_url: str) -> None:
    async with api(make_settings(database_url)) as client:
        signin = await client.get("/auth/signin")
        assert 'href="/auth/register"' in signin.text and "Create an account" in signin.text
        page = await client.get("/auth/register")
        assert page.status_code == 200 and 'action="/auth/register"' in page.text

        forged = await client.post(
            "/auth/register", data={"csrf_token": "x" * 32, "email": EMAIL, "password": PASSWORD}
        )
        assert forged.status_code == 403 and await outbox(database_url, EMAIL) == []
        # Each page sets a fresh form token; the refused page's form carries it.
        fields = form_fields(forged.text)
        weak = await client.post(
            "/auth/register", data={**fields, "email": EMAIL, "password": "short"}
        )
        assert weak.status_code == 422 and 'role="alert"' in weak.text
        assert f'value="{EMAIL}"' in weak.text  # what was typed is kept

        done = await client.post(
            "/auth/register",
            data={**form_fields(weak.text), "email": EMAIL, "password": PASSWORD},
        )
        assert done.status_code == 200 and "Check your inbox" in done.text
        (mail,) = await outbox(database_url, EMAIL)
        token = token_in(mail.body_text, "/auth/verify-email")
        confirmed = await client.post("/auth/verify-email", data={"token": token})
        assert "confirmed" in confirmed.text
        await sign_in(client, EMAIL, PASSWORD)
