"""``/account``: the JSON API the static site's account pages use (thin handlers over
:mod:`commerce_api.domain.identity._accounts`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.params import FromPath, JSONBody

from commerce_api.csrf import csrf_token
from commerce_api.db.models import User
from commerce_api.domain.cart import merge_carts
from commerce_api.domain.cart.cookie import CART_COOKIE, cart_cookie
from commerce_api.domain.identity._deps import (
    Identity,
    IdentityDep,
    MemberDep,
    client_address,
    identity_dependencies,
)
from commerce_api.domain.identity._errors import (
    EmailNotVerified,
    InvalidCredentials,
    InvalidLink,
    SignInRequired,
    TooManyAttempts,
    WeakPassword,
)
from commerce_api.domain.identity._sessions import (
    clear_session_cookie,
    create_session,
    end_session,
    session_cookie,
)
from commerce_api.domain.orders import (
    OrderView,
    cancel_member_booking,
    member_bookings,
    member_orders,
)
from commerce_api.domain.tickets import MemberTicket, member_tickets
from commerce_api.errors import BadRequest, Conflict, NotFound, responses

__all__ = ["AccountController", "Profile", "sign_in_response"]


@dataclass
class Register:
    email: str
    password: str
    display_name: str | None = None


@dataclass
class Credentials:
    email: str
    password: str


@dataclass
class TokenBody:
    token: str


@dataclass
class EmailBody:
    email: str


@dataclass
class NewPassword:
    token: str
    password: str


@dataclass
class ProfileChange:
    display_name: str | None = None


@dataclass
class Profile:
    id: str
    email: str
    email_verified: bool
    display_name: str | None

    @classmethod
    def of(cls, user: User) -> Profile:
        return cls(
            user.public_id, user.email, user.email_verified_at is not None, user.display_name
        )


@dataclass
class SessionInfo:
    member: Profile
    csrf_token: str
    """Echo it in ``X-CSRF-Token`` on every state-changing request."""
    cart_token: str | None = None


@dataclass
class Accepted:
    detail: str


async def sign_in_response(
    identity: Identity,
    request: Request[Any, Any, Any],
    user: User,
    body: Any,
    *,
    status_code: int = 200,
) -> Response[Any]:
    """Start a fresh session (dropping the one the browser brought), merge the cart, and
    attach both cookies to a response built around ``body(session_info)``."""
    settings = identity.settings
    old = request.cookies.get(settings.session_cookie_name)
    browser_cart = request.headers.get("X-Cart-Token") or request.cookies.get(CART_COOKIE)
    async with identity.db.transaction() as session:
        token = await create_session(session, user, settings, replaces=old)
        cart_token = await merge_carts(session, user.id, browser_cart)
    info = SessionInfo(Profile.of(user), csrf_token(settings, token), cart_token)
    response = body(info)
    response.cookies.append(session_cookie(token, settings))
    if cart_token:
        response.cookies.append(cart_cookie(cart_token, settings))
        response.headers["X-Cart-Token"] = cart_token
    return response


class AccountController(Controller):
    path = "/account"
    tags = ["accounts"]
    dependencies = identity_dependencies

    @post(
        "/register",
        status_code=202,
        summary="Create an account; a confirmation link is emailed",
        description="The answer is the same whether or not the address is registered.",
        responses=responses(WeakPassword, TooManyAttempts),
    )
    async def register(
        self, identity: IdentityDep, request: Request[Any, Any, Any], data: JSONBody[Register]
    ) -> Accepted:
        await identity.accounts.register(
            data.email, data.password, data.display_name, address=client_address(request)
        )
        return Accepted("check your inbox for a confirmation link")

    @post(
        "/verify-email",
        status_code=200,
        summary="Confirm the email address with the emailed token",
        responses=responses(InvalidLink),
    )
    async def verify_email(self, identity: IdentityDep, data: JSONBody[TokenBody]) -> Profile:
        return Profile.of(await identity.accounts.verify_email(data.token))

    @post(
        "/signin",
        status_code=200,
        summary="Sign in: sets the session cookie and merges the browser's cart",
        description="Repeated failures per account or per address answer 429 with Retry-After.",
        responses=responses(InvalidCredentials, EmailNotVerified, BadRequest, TooManyAttempts),
    )
    async def signin(
        self, identity: IdentityDep, request: Request[Any, Any, Any], data: JSONBody[Credentials]
    ) -> Response[SessionInfo]:
        if request.content_type[0] != "application/json":
            # A cross-site HTML form cannot send JSON without a CORS preflight: this keeps
            # another site from signing a visitor into an account of its choosing.
            raise BadRequest("send the credentials as application/json", field="Content-Type")
        user = await identity.accounts.authenticate(
            data.email, data.password, client_address(request)
        )
        return await sign_in_response(identity, request, user, lambda info: Response(info))

    @post(
        "/signout",
        status_code=204,
        summary="Sign out (ends the session everywhere it is used)",
        responses=responses(SignInRequired),
    )
    async def signout(
        self, identity: IdentityDep, request: Request[Any, Any, Any], member: MemberDep
    ) -> Response[None]:
        token = request.cookies.get(identity.settings.session_cookie_name, "")
        async with identity.db.transaction() as session:
            await end_session(session, token)
        response: Response[None] = Response(None, status_code=204)
        clear_session_cookie(response, identity.settings)
        return response

    @post(
        "/password/forgot",
        status_code=202,
        summary="Email a password reset link (same answer for unknown addresses)",
        responses=responses(TooManyAttempts),
    )
    async def forgot(
        self, identity: IdentityDep, request: Request[Any, Any, Any], data: JSONBody[EmailBody]
    ) -> Accepted:
        await identity.accounts.request_password_reset(data.email, address=client_address(request))
        return Accepted("if the address has an account, a reset link is on its way")

    @post(
        "/password/reset",
        status_code=200,
        summary="Set a new password with the emailed token; signs out every session",
        responses=responses(InvalidLink, WeakPassword),
    )
    async def reset(self, identity: IdentityDep, data: JSONBody[NewPassword]) -> Profile:
        return Profile.of(await identity.accounts.reset_password(data.token, data.password))

    @get(
        "/session",
        summary="Who is signed in, and the CSRF token to echo",
        responses=responses(SignInRequired),
    )
    async def session(self, member: MemberDep) -> SessionInfo:
        return SessionInfo(Profile.of(member.user), member.csrf_token)

    @get("/profile", summary="The member's profile", responses=responses(SignInRequired))
    async def profile(self, member: MemberDep) -> Profile:
        return Profile.of(member.user)

    @patch("/profile", summary="Change the display name", responses=responses(SignInRequired))
    async def change_profile(
        self, identity: IdentityDep, member: MemberDep, data: JSONBody[ProfileChange]
    ) -> Profile:
        async with identity.db.transaction() as session:
            user = await session.get_one(User, member.user.id)
            user.display_name = (data.display_name or "").strip()[:200] or None
        return Profile.of(user)

    @get("/orders", summary="The member's orders", responses=responses(SignInRequired))
    async def orders(self, identity: IdentityDep, member: MemberDep) -> list[OrderView]:
        return await member_orders(identity.db, member.user.public_id)

    @get("/tickets", summary="The member's tickets", responses=responses(SignInRequired))
    async def tickets(self, identity: IdentityDep, member: MemberDep) -> list[MemberTicket]:
        return await member_tickets(identity.db, member.user.public_id)

    @get("/bookings", summary="The member's free bookings", responses=responses(SignInRequired))
    async def bookings(self, identity: IdentityDep, member: MemberDep) -> list[OrderView]:
        return await member_bookings(identity.db, member.user.public_id)

    @post(
        "/bookings/{reference:str}/cancel",
        status_code=204,
        summary="Cancel a free booking: its tickets are void and its places free again",
        responses=responses(SignInRequired, NotFound, Conflict),
    )
    async def cancel_booking(
        self, identity: IdentityDep, member: MemberDep, reference: FromPath[str]
    ) -> None:
        await cancel_member_booking(identity.db, member.user.public_id, reference)
