"""Accounts over HTTP: registration, verification and reset through the outbox, sessions and
CSRF, brute-force limits, and that no answer tells whether an email is registered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from commerce_api.db import Database, utcnow
from commerce_api.db.models import EmailToken
from commerce_api.domain.identity import Identity, session_cookie
from tests.accounts.helpers import (
    PASSWORD,
    api,
    make_settings,
    outbox,
    register_and_verify,
    sign_in,
    token_in,
)
from tests.oauth.helpers import form_fields

ANN = "ann@example.org"


async def test_register_verify_and_sign_in_through_the_outbox(database_url: str) -> None:
    async with api(make_settings(database_url)) as client:
        first = await client.post(
            "/account/register", json={"email": " Ann@Example.org ", "password": PASSWORD}
        )
        again = await client.post(
            "/account/register", json={"email": ANN, "password": PASSWORD + "!"}
        )
        assert first.status_code == again.status_code == 202
        assert first.json() == again.json()  # no hint that the address is taken
        confirm, notice = await outbox(database_url, ANN)
        assert "already has one" in notice.body_text

        unverified = await client.post("/account/signin", json={"email": ANN, "password": PASSWORD})
        assert unverified.status_code == 403

        # The emailed link opens a page whose form confirms (a GET alone changes nothing).
        link_token = token_in(confirm.body_text, "/auth/verify-email")
        page = await client.get(f"/auth/verify-email?token={link_token}")
        assert form_fields(page.text)["token"] == link_token
        done = await client.post("/auth/verify-email", data={"token": link_token})
        assert done.status_code == 200 and "confirmed" in done.text
        reused = await client.post("/account/verify-email", json={"token": link_token})
        assert reused.status_code == 400

        wrong = await client.post("/account/signin", json={"email": ANN, "password": "nope" * 3})
        unknown = await client.post(
            "/account/signin", json={"email": "bob@example.org", "password": PASSWORD}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert {k: v for k, v in wrong.json().items() if k != "instance"} == {
            k: v for k, v in unknown.json().items() if k != "instance"
        }
        info = await sign_in(client, "ANN@example.org")
        assert info["member"]["email"] == ANN and info["member"]["email_verified"] is True
        assert (await client.get("/account/profile")).json()["email"] == ANN

        weak = await client.post(
            "/account/register", json={"email": "c@example.org", "password": "short"}
        )
        assert weak.status_code == 422 and weak.json()["field"] == "password"

        # A cross-site form cannot sign a visitor in (it cannot send JSON).
        plain = await client.post(
            "/account/signin",
            content=f'{{"email": "{ANN}", "password": "{PASSWORD}"}}',
            headers={"Content-Type": "text/plain"},
        )
        assert plain.status_code == 415

        # Stronger Argon2 parameters upgrade the stored hash at the next sign-in.
        stronger = client.app.state.settings.with_(argon2_time_cost=2)
        accounts = Identity.create(stronger, Database(database_url)).accounts
        await accounts.authenticate(ANN, PASSWORD, "127.0.0.1")
        async with accounts.db.sessions() as session:
            stored = (await accounts.user_by_email(session, ANN)).password_hash
        await accounts.db.dispose()
        assert ",t=2," in stored and not accounts.passwords.needs_rehash(stored)
        await sign_in(client, ANN)  # still the same password

        await _password_reset_through_the_outbox_ends_every_session(client, database_url)


async def test_sessions_are_regenerated_and_csrf_protected(database_url: str) -> None:
    settings = make_settings(database_url)
    async with api(settings) as client:
        await register_and_verify(client, database_url, ANN)
        await sign_in(client, ANN)
        old_cookie = client.cookies["ra_session"]
        info = await sign_in(client, ANN)  # a new sign-in mints a new session id
        new_cookie = client.cookies["ra_session"]
        assert new_cookie != old_cookie
        client.cookies.set("ra_session", old_cookie)
        assert (await client.get("/account/session")).status_code == 401
        client.cookies.set("ra_session", new_cookie)

        change = {"display_name": "Ann"}
        assert (await client.patch("/account/profile", json=change)).status_code == 403
        forged = await client.patch(
            "/account/profile", json=change, headers={"X-CSRF-Token": "forged"}
        )
        assert forged.status_code == 403
        assert forged.json()["type"].endswith("csrf-token-missing-or-wrong")
        ok = await client.patch(
            "/account/profile", json=change, headers={"X-CSRF-Token": info["csrf_token"]}
        )
        assert ok.status_code == 200 and ok.json()["display_name"] == "Ann"

        assert (await client.post("/account/signout")).status_code == 403
        out = await client.post("/account/signout", headers={"X-CSRF-Token": info["csrf_token"]})
        assert out.status_code == 204
        assert (await client.get("/account/session")).status_code == 401

    header = session_cookie("x", settings).to_header(header="")
    assert "HttpOnly" in header and "SameSite=lax" in header and "Secure" not in header
    production = settings.with_(public_url="https://api.rose-ash.example.coop")
    assert "Secure" in session_cookie("x", production).to_header(header="")


async def _password_reset_through_the_outbox_ends_every_session(
    client: Any, database_url: str
) -> None:
    await sign_in(client, ANN)
    unknown = await client.post("/account/password/forgot", json={"email": "x@example.org"})
    known = await client.post("/account/password/forgot", json={"email": ANN})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    assert await outbox(database_url, "x@example.org") == []
    token = token_in((await outbox(database_url, ANN))[-1].body_text, "/auth/reset-password")

    page = await client.get(f"/auth/reset-password?token={token}")
    assert 'type="password"' in page.text
    new_password = "a brand new passphrase"
    done = await client.post(
        "/auth/reset-password", data={"token": token, "password": new_password}
    )
    assert done.status_code == 200
    assert (await client.get("/account/session")).status_code == 401
    again = await client.post(
        "/account/password/reset", json={"token": token, "password": "another one entirely"}
    )
    assert again.status_code == 400

    old = await client.post("/account/signin", json={"email": ANN, "password": PASSWORD})
    assert old.status_code == 401
    await sign_in(client, ANN, new_password)

    # An expired link is refused like a used one.
    await client.post("/account/password/forgot", json={"email": ANN})
    token = token_in((await outbox(database_url, ANN))[-1].body_text, "/auth/reset-password")
    db = Database(database_url)
    async with db.transaction() as session:
        await session.execute(update(EmailToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    await db.dispose()
    late = await client.post(
        "/account/password/reset", json={"token": token, "password": "too late for this one"}
    )
    assert late.status_code == 400


async def test_failed_sign_ins_are_limited_per_account_and_per_address(
    database_url: str,
) -> None:
    settings = make_settings(
        database_url, signin_failures_per_account=3, signin_failures_per_address=5
    )
    async with api(settings) as client:
        await register_and_verify(client, database_url, ANN)

        async def attempt(email: str, password: str = "wrong password!") -> Any:
            return await client.post("/account/signin", json={"email": email, "password": password})

        assert [(await attempt(ANN)).status_code for _ in range(3)] == [401] * 3
        limited = await attempt(ANN, PASSWORD)  # even the right password waits
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) > 0
        assert limited.json()["status"] == 429

        # Two more failures for other (unknown) accounts reach the address limit.
        assert (await attempt("bob@example.org")).status_code == 401
        assert (await attempt("carol@example.org")).status_code == 401
        assert (await attempt("dave@example.org")).status_code == 429

        page = await client.get("/auth/signin")
        blocked = await client.post(
            "/auth/signin",
            data={
                **form_fields(page.text),
                "email": "erin@example.org",
                "password": "x" * 12,
            },
        )
        assert blocked.status_code == 429 and "Too many" in blocked.text

        # Emails on request have a budget too (per recipient), known address or not.
        for email in (ANN, "nobody@example.org"):
            answers = [
                (await client.post("/account/password/forgot", json={"email": email})).status_code
                for _ in range(6)
            ]
            assert answers[-1] == 429 and 202 in answers
        assert len(await outbox(database_url, ANN)) == 5  # the confirmation + four resets
