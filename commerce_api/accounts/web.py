"""Wiring for the identity parts: the services on ``app.state.identity``, and the
dependencies handlers use to find the signed-in member.

CSRF: a session cookie is sent by the browser on its own, so every state-changing request
that is *authenticated by that cookie* must also echo the session's CSRF token (header
``X-CSRF-Token``, or a ``csrf_token`` form field for HTML forms). The check sits in
:func:`signed_in`, the one place that turns a cookie into a member, so it covers exactly the
cookie-authenticated requests: carts (bearer cart tokens), the SumUp webhook and the OAuth
token endpoints (client-authenticated) never need it. Other parts use :func:`signed_in` (or
:func:`require_member`) as a dependency to get the same protection.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar, Request
from litestar.di import NamedDependency, Provide

from commerce_api.accounts.errors import CsrfRejected, SignInRequired
from commerce_api.accounts.passwords import PasswordPolicy, Passwords
from commerce_api.accounts.service import Accounts
from commerce_api.accounts.sessions import SignedIn, load_session
from commerce_api.db import Database
from commerce_api.mail import Outbox
from commerce_api.settings import Settings
from commerce_api.web.guard import FORM_TYPES

__all__ = [
    "CSRF_HEADER",
    "CurrentDep",
    "Identity",
    "IdentityDep",
    "MemberDep",
    "client_address",
    "identity_dependencies",
    "identity_lifespan",
    "require_member",
    "session_member_id",
    "signed_in",
]

log = logging.getLogger(__name__)

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Identity:
    """Accounts, the mail outbox and the OAuth provider of one process."""

    settings: Settings
    db: Database
    outbox: Outbox
    accounts: Accounts
    _bridge: Any = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    def create(cls, settings: Settings, db: Database) -> Identity:
        outbox = Outbox()
        passwords = Passwords(
            PasswordPolicy(
                settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
            )
        )
        return cls(settings, db, outbox, Accounts(db, settings, outbox, passwords))

    async def oauth(self) -> Any:
        """The OAuth bridge, built on first use (its synchronous engine is only opened when
        a client needs it)."""
        if self._bridge is None:
            async with self._lock:
                if self._bridge is None:
                    from commerce_api.oauth.bridge import OAuthBridge
                    from commerce_api.oauth.keys import ensure_signing_key
                    from commerce_api.oauth.server import OAuthServer
                    from commerce_api.oauth.store import SyncStore

                    await ensure_signing_key(self.db)  # normally done at start-up
                    server = OAuthServer(self.settings)
                    self._bridge = OAuthBridge(server, SyncStore(self.settings.database_url))
        return self._bridge

    def close(self) -> None:
        if self._bridge is not None:
            self._bridge.store.dispose()


async def _prepare_signing_key(identity: Identity) -> None:
    """Create the first ID-token signing key at start-up (not in a member's first sign-in).
    A database that is not migrated yet only gets a warning: ``migrate`` comes first."""
    from sqlalchemy.exc import DBAPIError

    from commerce_api.oauth.keys import ensure_signing_key

    try:
        await ensure_signing_key(identity.db)
    except DBAPIError:
        log.warning("no OAuth signing key table yet: run `python -m commerce_api migrate`")


@asynccontextmanager
async def identity_lifespan(app: Litestar) -> Any:
    """Runs after the core lifespan (it needs ``app.state.db``). With
    ``app.state.background`` (``serve``) it also runs the mail sender and the sweep."""
    from commerce_api.accounts.background import IdentityWorker

    identity = Identity.create(app.state.settings, app.state.db)
    app.state.identity = identity
    await _prepare_signing_key(identity)
    worker = IdentityWorker(identity) if app.state.get("background") else None
    if worker is not None:
        worker.start()
    try:
        yield
    finally:
        if worker is not None:
            await worker.stop()
        identity.close()


def client_address(request: Request[Any, Any, Any]) -> str:
    """The peer address (``X-Forwarded-For`` is not trusted: anyone can send it)."""
    return request.client.host if request.client else "unknown"


async def _sent_csrf_token(request: Request[Any, Any, Any]) -> str | None:
    sent = request.headers.get(CSRF_HEADER)
    if sent:
        return sent
    if request.content_type[0] in FORM_TYPES:
        value = (await request.form()).get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def signed_in(request: Request[Any, Any, Any]) -> SignedIn | None:
    """The member of this request's session cookie (None when there is none), with the CSRF
    check for unsafe methods."""
    if "signed_in" in request.scope.get("state", {}):
        return request.scope["state"]["signed_in"]  # type: ignore[no-any-return]
    identity: Identity = request.app.state.identity
    token = request.cookies.get(identity.settings.session_cookie_name)
    found = None
    if token:
        async with identity.db.sessions() as session:
            found = await load_session(session, token)
    if found is not None and request.method not in SAFE_METHODS:
        sent = await _sent_csrf_token(request)
        if not sent or not hmac.compare_digest(sent, found.csrf_token):
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
    return request.app.state.identity  # type: ignore[no-any-return]


identity_dependencies = {
    "identity": Provide(_identity, sync_to_thread=False),
    "current": Provide(signed_in),
    "member": Provide(require_member),
}


#: Handler parameter types for the dependencies above (explicit, as Litestar 3 requires).
IdentityDep = NamedDependency[Identity]
CurrentDep = NamedDependency[SignedIn | None]
MemberDep = NamedDependency[SignedIn]
