"""Assemble the commerce API: ``create_app(settings)`` returns a ready Litestar app.

Route handlers are listed in :func:`route_handlers`, one line per context, so another part
(accounts, OAuth) joins by adding its controllers there. Shared resources (database, SumUp
client, the periodic expiry sweep) live in ``app.state`` for the app's lifetime.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.openapi.config import OpenAPIConfig

from commerce_api import dev_mail
from commerce_api.db import Database
from commerce_api.deps import MemberLookup, dependencies
from commerce_api.domain.cart import watch_carts
from commerce_api.domain.identity import Identity, session_member_id
from commerce_api.errors import exception_handlers
from commerce_api.mail import MailSender
from commerce_api.oauth.provider import oauth_lifespan
from commerce_api.openapi import completed_openapi
from commerce_api.pages import serve_theme_file, template_config
from commerce_api.payments import Payments
from commerce_api.settings import Settings, get_settings
from commerce_api.web import add_from_form
from commerce_api.web.guard import same_site_cookies
from server_kernel import run_periodically
from server_kernel.allow import allow_every_method

__all__ = ["create_app", "route_handlers", "serve_app"]

log = logging.getLogger(__name__)


def route_handlers() -> list[Any]:
    """Every controller and handler of the API. Add yours here."""
    from commerce_api.domain.cart.controllers import CartController
    from commerce_api.domain.catalog.controllers import CatalogController
    from commerce_api.domain.checkout.controllers import CheckoutController
    from commerce_api.domain.orders.controllers import OrdersController
    from commerce_api.domain.payments import sumup_webhook
    from commerce_api.domain.system import health
    from commerce_api.domain.tickets.controllers import book, ticket_check
    from commerce_api.web import ShopPagesController

    return [
        health,
        CatalogController,
        CartController,
        CheckoutController,
        OrdersController,
        ticket_check,
        book,
        sumup_webhook,
        ShopPagesController,
        serve_theme_file,
        *_identity_handlers(),
    ]


def _identity_handlers() -> list[Any]:
    """Accounts, newsletters and the OAuth/OpenID provider."""
    from commerce_api.domain.identity.controllers import AccountController
    from commerce_api.domain.newsletters.controllers import (
        MemberNewsletterController,
        NewsletterController,
    )
    from commerce_api.oauth.controllers import DiscoveryController, OAuthController
    from commerce_api.web import BrowserAuthController

    return [
        AccountController,
        BrowserAuthController,
        NewsletterController,
        MemberNewsletterController,
        OAuthController,
        DiscoveryController,
    ]


def create_app(
    settings: Settings | None = None,
    *,
    payments: Payments | None = None,
    sweep: bool = False,
    member_lookup: MemberLookup | None = None,
) -> Litestar:
    """Build the app. ``payments`` overrides the SumUp client built from ``settings``;
    ``sweep`` starts the periodic expiry sweep and refund pass (``serve`` turns it on);
    ``member_lookup`` tells handlers who is signed in (see ``commerce_api.deps``)."""
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        pay = payments or Payments.from_settings(settings)
        app.state.db = db
        app.state.payments = pay
        sweeper: asyncio.Task[None] | None = None
        if sweep and settings.expiry_sweep_seconds > 0:
            sweeper = asyncio.create_task(_sweep_forever(db, pay, settings))
        try:
            async with watch_carts(db):  # this process's cart answers, kept right
                yield
        finally:
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper
            if payments is None:
                await pay.aclose()
            await db.dispose()

    return Litestar(
        route_handlers=[*route_handlers(), *dev_mail.handlers(settings)],
        dependencies=dependencies,
        exception_handlers=exception_handlers,
        guards=[same_site_cookies],
        before_send=[allow_every_method],
        lifespan=[lifespan, _identity_lifespan, oauth_lifespan],
        state=State(
            {
                "settings": settings,
                "member_lookup": member_lookup or session_member_id,
                "cart_form_post": add_from_form,  # see commerce_api.deps.cart_form_post
                "background": sweep,  # _identity_lifespan: the mail sender
            }
        ),
        cors_config=CORSConfig(
            allow_origins=list(settings.cors_origins),
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=[
                "Content-Type",
                "Idempotency-Key",
                "X-Cart-Token",
                "Authorization",
                "X-CSRF-Token",
            ],
            expose_headers=["X-Cart-Token", "Location", "Retry-After"],
        ),
        openapi_config=OpenAPIConfig(
            title="Rose Ash commerce API",
            version="1.0.0",
            description=(
                "Catalogue, carts, checkout through SumUp, orders and tickets. Every error is "
                "an RFC 9457 problem (application/problem+json) naming the offending field."
            ),
            path="/schema",
            render_plugins=[completed_openapi()],
        ),
        template_config=template_config(settings),
        request_max_body_size=settings.max_body_bytes,
        debug=False,
    )


@contextlib.asynccontextmanager
async def _identity_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Runs after the core lifespan (it needs ``app.state.db``): the identity services, and
    with ``app.state.background`` (``serve``) the mail sender."""
    identity = Identity.create(app.state.settings, app.state.db)
    app.state.identity = identity
    sender = None
    if app.state.get("background"):
        sender = MailSender(identity.settings, identity.db, identity.outbox)
        sender.start()
    try:
        yield
    finally:
        if sender is not None:
            await sender.stop()


def serve_app() -> Litestar:
    """The app ``serve`` runs in each worker process: settings from the environment, with the
    expiry sweep and the identity background work on (the processes share that work through
    the database)."""
    return create_app(get_settings(), sweep=True)


async def _sweep_forever(db: Database, payments: Payments, settings: Settings) -> None:
    """Every ``expiry_sweep_seconds``: release expired reservations, send the refunds we owe
    that are due, and delete spent identity rows. Each is its own job, so a failing one does
    not hold up the others."""
    from commerce_api.domain.orders import expire_stale_orders, retry_due_refunds
    from commerce_api.sweep import sweep_identity

    async def expire() -> None:
        await expire_stale_orders(db, payments, settings)

    async def refund() -> None:
        await retry_due_refunds(db, payments, retry_seconds=settings.refund_retry_seconds)

    async def identity() -> None:
        await sweep_identity(db, settings)

    every = settings.expiry_sweep_seconds
    await asyncio.gather(
        run_periodically(expire, every=every, name="expiry sweep", logger=log, wait_first=True),
        run_periodically(refund, every=every, name="refund pass", logger=log, wait_first=True),
        run_periodically(identity, every=every, name="identity sweep", logger=log, wait_first=True),
    )
