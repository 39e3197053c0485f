"""Server-side browser sessions: a random id in an HttpOnly cookie, its hash in the database.

Because sessions live in the database, several API processes share them and a sign-out is
effective everywhere at once. A new id is minted at every sign-in (and any id the browser
brought is dropped), so a planted cookie can never become a signed-in session (fixation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from litestar import Response
from litestar.datastructures import Cookie
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from commerce_api.csrf import csrf_token
from commerce_api.db import utcnow
from commerce_api.db.models import User, WebSession
from commerce_api.settings import Settings
from commerce_api.tokens import hash_token, new_token

__all__ = [
    "SignedIn",
    "clear_session_cookie",
    "create_session",
    "end_session",
    "load_session",
    "session_cookie",
]


@dataclass(frozen=True)
class SignedIn:
    """A live session with its member."""

    session: WebSession
    user: User
    csrf_token: str
    """What the browser echoes on every state-changing request (:mod:`commerce_api.csrf`,
    bound to the session id)."""


async def create_session(
    db: AsyncSession, user: User, settings: Settings, *, replaces: str | None = None
) -> str:
    """A fresh session for ``user`` (the answer is its cookie value); the old one
    (``replaces``, a cookie value) is deleted."""
    if replaces:
        await end_session(db, replaces)
    await db.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))  # tidy up
    token = new_token()
    row = WebSession(
        token_hash=hash_token(token),
        user_id=user.id,
        expires_at=utcnow() + timedelta(days=settings.session_days),
    )
    db.add(row)
    await db.flush()
    return token


async def load_session(db: AsyncSession, token: str | None, settings: Settings) -> SignedIn | None:
    if not token or len(token) > 200:
        return None
    row = (
        await db.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == hash_token(token), WebSession.expires_at > utcnow())
        )
    ).first()
    return SignedIn(row[0], row[1], csrf_token(settings, token)) if row else None


async def end_session(db: AsyncSession, token: str) -> None:
    await db.execute(delete(WebSession).where(WebSession.token_hash == hash_token(token)))


async def end_all_sessions(db: AsyncSession, user_id: int) -> None:
    await db.execute(delete(WebSession).where(WebSession.user_id == user_id))


def session_cookie(token: str, settings: Settings) -> Cookie:
    return Cookie(
        key=settings.session_cookie_name,
        value=token,
        max_age=settings.session_days * 86400,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(settings.session_cookie_name, path="/")
