"""``/newsletters``: list, subscribe (double opt-in), confirm, and unsubscribe without
signing in (a page for people, and RFC 8058's one-click POST for mail clients).

The static site's subscribe form (``site/theme/templates/partials/newsletter_form.html``)
posts a plain HTML form to the same subscribe URL: :func:`subscribe_from_form` answers it with
a page, so it works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody

from commerce_api.csrf import FORM_TYPES, check_origin
from commerce_api.domain.identity import (
    CurrentDep,
    IdentityDep,
    InvalidLink,
    MemberDep,
    SignedIn,
    SignInRequired,
    identity_dependencies,
    normalise_email,
)
from commerce_api.domain.newsletters import _service as news
from commerce_api.errors import CommerceError, InvalidInput, NotFound, responses
from commerce_api.pages import error_page, render

__all__ = ["MemberNewsletterController", "NewsletterController"]

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


@dataclass
class SubscribeBody:
    email: str | None = None
    """Needed when not signed in; a signed-in member who sends none subscribes their own."""


def _subscriber(sent: str | None, current: SignedIn | None) -> tuple[str, int | None]:
    """The address to subscribe and the member it belongs to. An address the reader typed is
    the one subscribed (and checked, 422 when it is not one), even when signed in; it is
    linked to the member only when it is the member's own (double opt-in confirms the rest)."""
    if sent:
        email = normalise_email(sent)
        return email, current.user.id if current and current.user.email == email else None
    if current is None:
        raise InvalidInput("give an email address (or sign in)", field="email")
    return current.user.email, current.user.id


@dataclass
class ConfirmBody:
    token: str


@dataclass
class Accepted:
    detail: str


async def subscribe_from_form(request: Request[Any, Any, Any]) -> Response[str] | None:
    """``before_request`` of the subscribe endpoint: a form post (an anonymous reader on the
    static site) gets a "check your inbox" page; JSON (``None`` here) goes on to the handler."""
    if not request.headers.get("Content-Type", "").lower().startswith(FORM_TYPES):
        return None
    identity = request.app.state.identity
    settings = identity.settings
    back = {"link": settings.site_url.rstrip("/") + "/", "link_text": "Back to the site"}
    try:
        check_origin(request, settings)
        email = (await request.form()).get("email")
        if not isinstance(email, str) or not email.strip():
            raise InvalidInput("give an email address", field="email")
        await news.subscribe(
            identity.db, identity.outbox, settings, request.path_params["newsletter_id"], email
        )
    except CommerceError as exc:
        return render(
            "message.html",
            title="Not subscribed",
            message=f"We could not subscribe you: {exc.detail}.",
            error=True,
            status=exc.status_code,
            **back,
        )
    return render(
        "message.html",
        title="Check your inbox",
        message=f"We emailed a link to {email.strip()}: follow it to confirm the subscription.",
        **back,
    )


class NewsletterController(Controller):
    path = "/newsletters"
    tags = ["newsletters"]
    dependencies = identity_dependencies

    @get("/", summary="The newsletters that exist (from the build's catalogue)")
    async def list_newsletters(self, identity: IdentityDep) -> list[news.NewsletterInfo]:
        return list(news.available_newsletters(identity.settings))

    @post(
        "/{newsletter_id:str}/subscribe",
        status_code=202,
        summary="Subscribe: a confirmation link is emailed (double opt-in)",
        description="JSON, or an HTML form (application/x-www-form-urlencoded: email) from "
        "the static site, which is answered with a page.",
        before_request=subscribe_from_form,
        responses=responses(InvalidInput),
    )
    async def subscribe(
        self,
        identity: IdentityDep,
        current: CurrentDep,
        newsletter_id: FromPath[str],
        data: JSONBody[SubscribeBody],
    ) -> Accepted:
        email, member_id = _subscriber(data.email, current)
        await news.subscribe(
            identity.db, identity.outbox, identity.settings, newsletter_id, email, member_id
        )
        return Accepted("check your inbox to confirm the subscription")

    @post(
        "/confirm",
        status_code=200,
        summary="Confirm a subscription with the emailed token",
        responses=responses(InvalidLink),
    )
    async def confirm(
        self, identity: IdentityDep, data: JSONBody[ConfirmBody]
    ) -> news.SubscriptionInfo:
        return await news.confirm(identity.db, identity.outbox, identity.settings, data.token)

    @get("/confirm-link", include_in_schema=False)
    async def confirm_page(self, token: FromQuery[str] = "") -> Response[str]:
        return render(
            "token_form.html",
            title="Confirm your subscription",
            action="/newsletters/confirm-link",
            message="Confirm that you want to receive this newsletter.",
            fields=[("token", token)],
            button="Confirm",
            password=False,
        )

    @post("/confirm-link", include_in_schema=False, status_code=200)
    async def confirm_form(self, identity: IdentityDep, data: Form) -> Response[str]:
        try:
            await news.confirm(
                identity.db, identity.outbox, identity.settings, data.get("token", "")
            )
        except CommerceError as exc:
            return error_page("Link not valid", exc)
        return render("message.html", title="Subscribed", message="Thank you: you are subscribed.")

    @get(
        "/unsubscribe",
        media_type=MediaType.HTML,
        summary="The page of the unsubscribe link: a button that POSTs it",
    )
    async def unsubscribe_page(self, request: Request[Any, Any, Any]) -> Response[str]:
        return render(
            "token_form.html",
            title="Unsubscribe",
            action="/newsletters/unsubscribe?" + request.url.query,
            message="Stop receiving this newsletter?",
            fields=[],
            button="Unsubscribe",
            password=False,
        )

    @post(
        "/unsubscribe",
        status_code=200,
        summary="Unsubscribe by the signed link in every email (RFC 8058 one-click POST)",
        description="Works without signing in; the body (List-Unsubscribe=One-Click) is "
        "accepted and ignored. Answered with a page.",
        media_type=MediaType.HTML,
        responses=responses(InvalidLink, media_type=MediaType.HTML),
    )
    async def unsubscribe(
        self, identity: IdentityDep, s: FromQuery[str] = "", sig: FromQuery[str] = ""
    ) -> Response[str]:
        try:
            await news.unsubscribe(identity.db, identity.settings, s, sig)
        except CommerceError as exc:
            return error_page("Link not valid", exc)
        return render(
            "message.html", title="Unsubscribed", message="You will not receive it any more."
        )


class MemberNewsletterController(Controller):
    """The signed-in member's subscriptions, beside the rest of ``/account``."""

    path = "/account"
    tags = ["accounts"]
    dependencies = identity_dependencies

    @get(
        "/newsletters",
        summary="The member's newsletter subscriptions",
        responses=responses(SignInRequired),
    )
    async def newsletters(
        self, identity: IdentityDep, member: MemberDep
    ) -> list[news.SubscriptionInfo]:
        return await news.member_subscriptions(identity.db, member.user.id, member.user.email)

    @post(
        "/newsletters/{newsletter_id:str}/unsubscribe",
        status_code=204,
        summary="Leave a newsletter (signed in; the emailed link works without signing in)",
        responses=responses(SignInRequired, NotFound),
    )
    async def leave_newsletter(
        self, identity: IdentityDep, member: MemberDep, newsletter_id: FromPath[str]
    ) -> None:
        await news.member_unsubscribe(identity.db, member.user.id, member.user.email, newsletter_id)
