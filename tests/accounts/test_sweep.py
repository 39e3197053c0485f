"""``python -m commerce_api sweep``: expired sessions, email tokens, OAuth codes and tokens,
old sign-in failures and old sent mail go; everything still usable stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from commerce_api.db import Database, utcnow
from commerce_api.db.models import (
    AuthFailure,
    EmailToken,
    OAuthCode,
    OAuthToken,
    OutboxMessage,
    User,
    WebSession,
)
from commerce_api.tokens import hash_token, new_token
from tests.accounts.helpers import (
    api,
    cli,
    cli_env,
    make_settings,
    register_and_verify,
    sign_in,
)

ANN = "ann@example.org"


def _code(user_id: int, expires_in: timedelta, label: str) -> OAuthCode:
    now = utcnow()
    return OAuthCode(
        code_hash=hash_token(new_token()),
        client_id=label,
        user_id=user_id,
        redirect_uri="http://127.0.0.1:9/callback",
        code_challenge="x" * 43,
        family_id=label,
        auth_time=now,
        expires_at=now + expires_in,
    )


def _token(
    user_id: int | None, access_in: timedelta, refresh_in: timedelta | None, label: str
) -> OAuthToken:
    now = utcnow()
    return OAuthToken(
        client_id=label,
        user_id=user_id,
        access_token_hash=hash_token(new_token()),
        refresh_token_hash=hash_token(new_token()) if refresh_in is not None else None,
        family_id=label,
        access_expires_at=now + access_in,
        refresh_expires_at=now + refresh_in if refresh_in is not None else None,
    )


async def test_sweep_deletes_expired_rows_and_keeps_live_ones(database_url: str) -> None:
    day, minute = timedelta(days=1), timedelta(minutes=1)
    async with api(make_settings(database_url)) as client:
        await register_and_verify(client, database_url, ANN)  # a used verification token
        await sign_in(client, ANN)  # a live session
        await client.post("/account/password/forgot", json={"email": ANN})  # a live reset token
        db = Database(database_url)
        try:
            async with db.transaction() as session:
                ann = (await session.execute(select(User))).scalar_one()
                session.add_all(
                    [
                        WebSession(
                            token_hash=hash_token("old"),
                            user_id=ann.id,
                            expires_at=utcnow() - minute,
                        ),
                        EmailToken(
                            user_id=ann.id,
                            purpose="reset_password",
                            token_hash=hash_token("stale"),
                            expires_at=utcnow() - minute,
                        ),
                        _code(ann.id, -2 * day, "code-long-expired"),
                        _code(ann.id, -minute, "code-just-expired"),  # kept: replay detection
                        _code(ann.id, minute, "code-live"),
                        _token(ann.id, -day, -minute, "token-dead"),
                        _token(None, -minute, None, "token-service-expired"),
                        _token(ann.id, -minute, day, "token-refreshable"),
                        _token(ann.id, minute, day, "token-live"),
                        AuthFailure(key="address:x", failed_at=utcnow() - 2 * day),
                        AuthFailure(key="address:y", failed_at=utcnow()),
                        OutboxMessage(
                            to_address="old@example.org",
                            subject="s",
                            body_text="b",
                            status="sent",
                            sent_at=utcnow() - 40 * day,
                        ),
                    ]
                )
            out = cli(cli_env(database_url, 9), "sweep")
            assert out.startswith("deleted: sessions 1, email tokens 2, oauth codes 1, ")

            async with db.sessions() as session:

                async def labels(column: object) -> set[str]:
                    return set((await session.execute(select(column))).scalars())

                assert await labels(OAuthCode.client_id) == {"code-just-expired", "code-live"}
                assert await labels(OAuthToken.client_id) == {"token-refreshable", "token-live"}
                failures = await labels(AuthFailure.key)
                assert "address:y" in failures and "address:x" not in failures
                assert await labels(EmailToken.purpose) == {"reset_password"}
                assert await session.scalar(select(func.count()).select_from(EmailToken)) == 1
                assert await labels(OutboxMessage.to_address) == {ANN}  # queued mail stays
            # The live session and reset link still work.
            assert (await client.get("/account/session")).status_code == 200
        finally:
            await db.dispose()
