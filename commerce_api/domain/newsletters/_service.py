"""Newsletter subscriptions with double opt-in and one-click unsubscribe.

The newsletters that exist come from the build's ``catalog.json`` (``newsletters``, see
docs/manifests.md) at ``CATALOG_PATH``. Subscribing mails a single-use confirmation link
(double opt-in: nothing is sent to an address that did not confirm). Every later email
carries a signed unsubscribe link that works without signing in, both as a page and as the
RFC 8058 one-click POST (``List-Unsubscribe`` + ``List-Unsubscribe-Post`` headers).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import or_, select

from commerce_api.db import Database, utcnow
from commerce_api.db.models import NewsletterSubscription
from commerce_api.domain.identity import InvalidLink, normalise_email
from commerce_api.errors import InvalidInput, NotFound
from commerce_api.mail import Email, Outbox
from commerce_api.settings import Settings
from commerce_api.signing import sign, verify_signature
from commerce_api.tokens import hash_token, new_token

__all__ = [
    "NewsletterInfo",
    "SubscriptionInfo",
    "available_newsletters",
    "confirm",
    "member_subscriptions",
    "member_unsubscribe",
    "subscribe",
    "unsubscribe",
    "unsubscribe_headers",
]

UNSUBSCRIBE = "newsletter-unsubscribe"


@dataclass(frozen=True)
class NewsletterInfo:
    id: str
    title: str
    description: str


@dataclass
class SubscriptionInfo:
    newsletter_id: str
    email: str
    status: str
    """``pending`` (waiting for the emailed confirmation), ``subscribed`` or
    ``unsubscribed``."""


_cache: dict[str, tuple[float, tuple[NewsletterInfo, ...]]] = {}


def available_newsletters(settings: Settings) -> tuple[NewsletterInfo, ...]:
    """The catalogue's newsletters (re-read when the file changes; none without a catalogue)."""
    path = settings.catalog_path
    if not path or not os.path.exists(path):
        return ()
    mtime = os.path.getmtime(path)
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    from commerce_api.domain.catalog import load_catalog_file

    found = tuple(
        NewsletterInfo(n.id, n.title, n.description) for n in load_catalog_file(path).newsletters
    )
    _cache[path] = (mtime, found)
    return found


def _newsletter(settings: Settings, newsletter_id: str) -> NewsletterInfo:
    for newsletter in available_newsletters(settings):
        if newsletter.id == newsletter_id:
            return newsletter
    raise InvalidInput(f"there is no newsletter {newsletter_id!r}", field="newsletter_id")


def unsubscribe_url(settings: Settings, subscription_id: int) -> str:
    value = str(subscription_id)
    query = urlencode({"s": value, "sig": sign(settings.secret_key, UNSUBSCRIBE, value)})
    return f"{settings.public_url}/newsletters/unsubscribe?{query}"


def unsubscribe_headers(settings: Settings, subscription_id: int) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers for every email sent to a subscriber."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(settings, subscription_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


async def subscribe(
    db: Database,
    outbox: Outbox,
    settings: Settings,
    newsletter_id: str,
    email: str,
    user_id: int | None = None,
) -> None:
    """Ask ``email`` to confirm; the answer never says whether it was already subscribed."""
    newsletter = _newsletter(settings, newsletter_id)
    email = normalise_email(email)
    token = new_token()
    async with db.transaction() as session:
        row = (
            await session.execute(
                select(NewsletterSubscription).where(
                    NewsletterSubscription.newsletter_id == newsletter.id,
                    NewsletterSubscription.email == email,
                )
            )
        ).scalar_one_or_none()
        if row is not None and row.status == "subscribed":
            return
        if row is None:
            row = NewsletterSubscription(newsletter_id=newsletter.id, email=email)
            session.add(row)
        row.status = "pending"
        row.user_id = row.user_id or user_id
        row.confirm_token_hash = hash_token(token)
        row.requested_at = utcnow()
        link = f"{settings.public_url}/newsletters/confirm-link?{urlencode({'token': token})}"
        outbox.queue(
            session,
            Email(
                to=email,
                subject=f"Confirm your subscription to {newsletter.title}",
                text=(
                    f"Someone (we hope you) asked to receive {newsletter.title} from Rose Ash.\n"
                    f"Confirm here:\n\n{link}\n\nIf it was not you, ignore this email: you "
                    "will not hear from us again.\n"
                ),
            ),
        )


async def confirm(db: Database, outbox: Outbox, settings: Settings, token: str) -> SubscriptionInfo:
    async with db.transaction() as session:
        row = (
            await session.execute(
                select(NewsletterSubscription).where(
                    NewsletterSubscription.confirm_token_hash == hash_token(token),
                    NewsletterSubscription.status == "pending",
                )
            )
        ).scalar_one_or_none()
        if row is None:
            raise InvalidLink("subscribe again to get a new link", field="token")
        row.status = "subscribed"
        row.confirm_token_hash = None
        row.confirmed_at = utcnow()
        row.unsubscribed_at = None
        titles = {n.id: n.title for n in available_newsletters(settings)}
        title = titles.get(row.newsletter_id, row.newsletter_id)
        outbox.queue(
            session,
            Email(
                to=row.email,
                subject=f"You are subscribed to {title}",
                text=(
                    f"Thank you: you will receive {title}. To stop, follow this link (no "
                    f"sign-in needed):\n\n{unsubscribe_url(settings, row.id)}\n"
                ),
                headers=unsubscribe_headers(settings, row.id),
            ),
        )
    return SubscriptionInfo(row.newsletter_id, row.email, row.status)


def _leave(row: NewsletterSubscription) -> None:
    """Mark a subscription left (once: leaving again keeps the first date) and spend any
    pending confirmation link."""
    if row.status != "unsubscribed":
        row.status = "unsubscribed"
        row.unsubscribed_at = utcnow()
        row.confirm_token_hash = None


async def unsubscribe(db: Database, settings: Settings, subscription: str, signature: str) -> None:
    if not subscription.isdigit() or not verify_signature(
        settings.secret_key, UNSUBSCRIBE, subscription, signature
    ):
        raise InvalidLink("this unsubscribe link is not valid", field="sig")
    async with db.transaction() as session:
        row = await session.get(NewsletterSubscription, int(subscription))
        if row is None:
            raise InvalidLink("this unsubscribe link is not valid", field="s")
        _leave(row)


async def member_unsubscribe(db: Database, user_id: int, email: str, newsletter_id: str) -> None:
    """A signed-in member leaves a newsletter (their account's or their address's
    subscription); leaving twice is fine, never having subscribed is 404."""
    async with db.transaction() as session:
        rows = list(
            (
                await session.execute(
                    select(NewsletterSubscription).where(
                        NewsletterSubscription.newsletter_id == newsletter_id,
                        or_(
                            NewsletterSubscription.user_id == user_id,
                            NewsletterSubscription.email == email,
                        ),
                    )
                )
            ).scalars()
        )
        if not rows:
            raise NotFound("you are not subscribed to this newsletter", field="newsletter_id")
        for row in rows:
            _leave(row)


async def member_subscriptions(db: Database, user_id: int, email: str) -> list[SubscriptionInfo]:
    async with db.sessions() as session:
        rows = (
            await session.execute(
                select(NewsletterSubscription)
                .where(
                    or_(
                        NewsletterSubscription.user_id == user_id,
                        NewsletterSubscription.email == email,
                    )
                )
                .order_by(NewsletterSubscription.id)
            )
        ).scalars()
        return [SubscriptionInfo(r.newsletter_id, r.email, r.status) for r in rows]
