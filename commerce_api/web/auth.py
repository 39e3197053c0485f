"""``/auth``: the HTML pages a browser reaches directly (the OAuth sign-in, links in emails).

Forms work without JavaScript. The sign-in form carries the CSRF token of a random cookie
(:mod:`commerce_api.csrf`) so another site cannot sign a visitor into its own account
(login CSRF); pages reached from email links carry their single-use token in the form, and
a GET never consumes it (mail scanners follow links).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect

from commerce_api.csrf import CSRF_FIELD, csrf_ok, csrf_token
from commerce_api.domain.identity import (
    CurrentDep,
    EmailNotVerified,
    Identity,
    IdentityDep,
    InvalidCredentials,
    TooManyAttempts,
    client_address,
    identity_dependencies,
)
from commerce_api.domain.identity.controllers import sign_in_response
from commerce_api.errors import CommerceError
from commerce_api.pages import error_page, render
from commerce_api.tokens import new_token

__all__ = ["BrowserAuthController", "safe_next"]

FORM_CSRF_COOKIE = "ra_form_csrf"
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def safe_next(value: str | None, site_url: str = "") -> str:
    """A path on this server, or a page of our own static site (``site_url``, e.g. its account
    page); never another site, so the sign-in form is no open redirect."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    site = site_url.rstrip("/")
    if value and site and value.startswith(site + "/") and "\\" not in value:
        return value
    return "/auth/signed-in"


def _form_page(
    identity: Identity,
    template: str,
    title: str,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response[str]:
    """A page whose form carries the CSRF token of a fresh nonce cookie (login/sign-up CSRF:
    there is no session to bind it to yet)."""
    nonce = new_token(24)
    token = csrf_token(identity.settings, nonce)
    response = render(
        template, title=title, csrf_token=token, status=status, headers=headers, **context
    )
    response.cookies.append(
        Cookie(
            key=FORM_CSRF_COOKIE,
            value=nonce,
            path="/auth",
            httponly=True,
            secure=identity.settings.cookie_secure,
            samesite="lax",
            max_age=3600,
        )
    )
    return response


def _signin_page(
    identity: Identity,
    next_url: str,
    *,
    error: str | None = None,
    email: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    return _form_page(
        identity,
        "signin.html",
        "Sign in",
        next=next_url,
        email=email,
        error=error,
        status=status,
        headers=headers,
    )


def _form_token_ok(
    identity: Identity, request: Request[Any, Any, Any], data: dict[str, str]
) -> bool:
    return csrf_ok(identity.settings, request.cookies.get(FORM_CSRF_COOKIE), data.get(CSRF_FIELD))


class BrowserAuthController(Controller):
    path = "/auth"
    include_in_schema = False
    dependencies = identity_dependencies

    @get("/signin")
    async def signin_page(
        self,
        identity: IdentityDep,
        current: CurrentDep,
        next: FromQuery[str | None] = None,
        reauth: FromQuery[str | None] = None,
    ) -> Response[Any]:
        """``reauth`` (an OpenID client asked for ``prompt=login`` or ``max_age``): the form
        is shown even to a signed-in member, whose sign-in makes a fresh session."""
        target = safe_next(next, identity.settings.site_url)
        if current is not None and not reauth:
            return Redirect(target, status_code=303)
        return _signin_page(identity, target, email=current.user.email if current else "")

    @post("/signin", status_code=303)
    async def signin(
        self, identity: IdentityDep, request: Request[Any, Any, Any], data: Form
    ) -> Response[Any]:
        target = safe_next(data.get("next"), identity.settings.site_url)
        if not _form_token_ok(identity, request, data):
            return _signin_page(
                identity,
                target,
                status=403,
                error="The form expired; please sign in again.",
            )
        email = data.get("email", "")
        try:
            user = await identity.accounts.authenticate(
                email, data.get("password", ""), client_address(request)
            )
        except TooManyAttempts as exc:
            return _signin_page(
                identity,
                target,
                email=email,
                status=429,
                error="Too many failed attempts; wait a few minutes and try again.",
                headers={"Retry-After": str(exc.retry_after)},
            )
        except (InvalidCredentials, EmailNotVerified) as exc:
            return _signin_page(
                identity, target, email=email, status=exc.status_code, error=exc.title + "."
            )
        return await sign_in_response(
            identity, request, user, lambda info: Redirect(target, status_code=303)
        )

    @get("/register")
    async def register_page(self, identity: IdentityDep) -> Response[str]:
        """Sign-up without JavaScript (the JSON API is ``POST /account/register``)."""
        return _form_page(
            identity, "register.html", "Create an account", email="", display_name="", error=None
        )

    @post("/register")
    async def register(
        self, identity: IdentityDep, request: Request[Any, Any, Any], data: Form
    ) -> Response[str]:
        email, name = data.get("email", ""), data.get("display_name", "")

        def again(status: int, error: str, **extra: Any) -> Response[str]:
            return _form_page(
                identity,
                "register.html",
                "Create an account",
                status=status,
                email=email,
                display_name=name,
                error=error,
                **extra,
            )

        if not _form_token_ok(identity, request, data):
            return again(403, "The form expired; please try again.")
        try:
            await identity.accounts.register(
                email,
                data.get("password", ""),
                name.strip() or None,
                address=client_address(request),
            )
        except TooManyAttempts as exc:
            return again(
                429,
                "Too many emails were requested; try again later.",
                headers={"Retry-After": str(exc.retry_after)},
            )
        except CommerceError as exc:
            return again(exc.status_code, f"{exc.detail[:1].upper()}{exc.detail[1:]}.")
        return render(
            "message.html",
            title="Check your inbox",
            message=f"We emailed a link to {email.strip()}: follow it to confirm your account.",
        )

    @get("/signed-in")
    async def signed_in_page(self, identity: IdentityDep, current: CurrentDep) -> Response[str]:
        if current is None:
            return Redirect("/auth/signin", status_code=303)
        return render(
            "message.html",
            title="Signed in",
            message=f"You are signed in as {current.user.email}.",
            link=identity.settings.site_url + "/",
            link_text="Back to the site",
        )

    @get("/verify-email")
    async def verify_page(self, token: FromQuery[str] = "") -> Response[str]:
        return render(
            "token_form.html",
            title="Confirm your email",
            action="/auth/verify-email",
            message="Confirm this address for your Rose Ash account.",
            fields=[("token", token)],
            button="Confirm",
            password=False,
        )

    @post("/verify-email")
    async def verify(self, identity: IdentityDep, data: Form) -> Response[str]:
        try:
            await identity.accounts.verify_email(data.get("token", ""))
        except CommerceError as exc:
            return error_page("Link not valid", exc)
        return render(
            "message.html",
            title="Email confirmed",
            message="Thank you: your address is confirmed.",
            link="/auth/signin",
            link_text="Sign in",
        )

    @get("/forgot-password")
    async def forgot_page(self) -> Response[str]:
        return render("forgot.html", title="Forgot your password?")

    @post("/forgot-password")
    async def forgot(
        self, identity: IdentityDep, request: Request[Any, Any, Any], data: Form
    ) -> Response[str]:
        try:
            await identity.accounts.request_password_reset(
                data.get("email", ""), address=client_address(request)
            )
        except TooManyAttempts as exc:
            return render(
                "message.html",
                title="Please wait",
                error=True,
                status=429,
                message="Too many emails were requested; try again later.",
                headers={"Retry-After": str(exc.retry_after)},
            )
        return render(
            "message.html",
            title="Check your inbox",
            message="If the address has an account, a reset link is on its way.",
        )

    @get("/reset-password")
    async def reset_page(self, token: FromQuery[str] = "") -> Response[str]:
        return render(
            "token_form.html",
            title="Choose a new password",
            action="/auth/reset-password",
            message="Choose a new password (at least 10 characters).",
            fields=[("token", token)],
            button="Save password",
            password=True,
        )

    @post("/reset-password")
    async def reset(self, identity: IdentityDep, data: Form) -> Response[str]:
        try:
            await identity.accounts.reset_password(data.get("token", ""), data.get("password", ""))
        except CommerceError as exc:
            return error_page("Password not changed", exc)
        return render(
            "message.html",
            title="Password changed",
            message="Your password is changed and every session was signed out.",
            link="/auth/signin",
            link_text="Sign in",
        )
