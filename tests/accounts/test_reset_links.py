"""A successful password reset spends every outstanding reset link of that member (issue 11
item 9: after a reset with one link, a second link still worked)."""

from __future__ import annotations

from tests.accounts.helpers import (
    api,
    make_settings,
    outbox,
    register_and_verify,
    sign_in,
    token_in,
)

ANN = "ann@example.org"


async def test_a_reset_spends_the_spare_links(database_url: str) -> None:
    async with api(make_settings(database_url)) as client:
        await register_and_verify(client, database_url, ANN)
        for _ in range(2):
            sent = await client.post("/account/password/forgot", json={"email": ANN})
            assert sent.status_code == 202
        mails = (await outbox(database_url, ANN))[-2:]
        first, spare = (token_in(m.body_text, "/auth/reset-password") for m in mails)
        assert first != spare

        done = await client.post(
            "/account/password/reset", json={"token": first, "password": "the member's choice"}
        )
        assert done.status_code == 200
        stolen = await client.post(
            "/account/password/reset", json={"token": spare, "password": "an attacker's choice"}
        )
        assert stolen.status_code == 400
        await sign_in(client, ANN, "the member's choice")
