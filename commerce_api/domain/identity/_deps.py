"""The identity services on ``app.state.identity``, and the dependencies handlers use to
find the signed-in member.

CSRF: a session cookie is sent by the browser on its own, so every state-changing request
that is *authenticated by that cookie* must also echo the session's CSRF token (header
``X-CSRF-Token``, or a ``csrf_token`` form field for HTML forms). The check sits in
:func:`signed_in`, the one place that turns a cookie into a member, so it covers exactly the
cookie-authenticated requests: carts (bearer cart tokens), the SumUp webhook and the OAuth
token endpoints (client-authenticated) never need it. Other parts use :func:`signed_in` (or
:func:`require_member`) as a dependency to get the same protection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.di import NamedDependency, Provide

from commerce_api.csrf import CSRF_HEADER, SAFE_METHODS, csrf_ok, sent_token
from commerce_api.db import Database
from commerce_api.domain.identity._accounts import Accounts
from commerce_api.domain.identity._errors import CsrfRejected, SignInRequired
from commerce_api.domain.identity._passwords import PasswordPolicy, Passwords
from commerce_api.domain.identity._sessions import SignedIn, load_session
from commerce_api.mail import Outbox
from commerce_api.settings import Settings

__all__ = [
    "CurrentDep",
    "Identity",
    "IdentityDep",
    "MemberDep",
    "client_address",
    "identity_dependencies",
    "require_member",
    "session_member_id",
    "signed_in",
]


@dataclass
class Identity:
    """The accounts service and the mail outbox of one process (``app.state.identity``)."""

    settings: Settings
    db: Database
    outbox: Outbox
    accounts: Accounts

    @classmethod
    def create(cls, settings: Settings, db: Database) -> Identity:
        outbox = Outbox()
        passwords = Passwords(
            PasswordPolicy(
                settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
            )
        )
        return cls(settings, db, outbox, Accounts(db, settings, outbox, passwords))


def client_address(request: Request[Any, Any, Any]) -> str:
    """The peer address (``X-Forwarded-For`` is not trusted: anyone can send it)."""
    return request.client.host if request.client else "unknown"


async def signed_in(request: Request[Any, Any, Any]) -> SignedIn | None:
    """The member of this request's session cookie (None when there is none), with the CSRF
    check for unsafe methods."""
    if "signed_in" in request.scope.get("state", {}):
        return request.scope["state"]["signed_in"]
    identity: Identity = request.app.state.identity
    token = request.cookies.get(identity.settings.session_cookie_name)
    found = None
    if token:
        async with identity.db.sessions() as session:
            found = await load_session(session, token, identity.settings)
    if (
        found is not None
        and request.method not in SAFE_METHODS
        and not csrf_ok(identity.settings, token, await sent_token(request))
    ):
        raise CsrfRejected(f"send the session's CSRF token in {CSRF_HEADER}", field=CSRF_HEADER)
    request.scope.setdefault("state", {})["signed_in"] = found
    return found


async def require_member(request: Request[Any, Any, Any]) -> SignedIn:
    found = await signed_in(request)
    if found is None:
        raise SignInRequired("sign in first")
    return found


async def session_member_id(request: Request[Any, Any, Any]) -> str | None:
    """The commerce core's ``member_lookup``: the signed-in member's public id, or None.

    Lenient by design: a state-changing request whose CSRF token is missing or wrong is
    served as anonymous rather than refused, so a forged cross-site checkout or booking never
    acts with the member's authority, and carts keep working for scripts that do not know
    about sessions.
    """
    try:
        found = await signed_in(request)
    except CsrfRejected:
        return None
    return found.user.public_id if found else None


def _identity(request: Request[Any, Any, Any]) -> Identity:
    return request.app.state.identity


identity_dependencies = {
    "identity": Provide(_identity, sync_to_thread=False),
    "current": Provide(signed_in),
    "member": Provide(require_member),
}


#: Handler parameter types for the dependencies above (explicit, as Litestar 3 requires).
IdentityDep = NamedDependency[Identity]
CurrentDep = NamedDependency[SignedIn | None]
MemberDep = NamedDependency[SignedIn]
