"""Newsletter subscriptions: double opt-in, and a signed one-click unsubscribe link in every
email (the newsletters that exist come from the build's ``catalog.json``)."""

from commerce_api.domain.newsletters._service import (
    NewsletterInfo,
    SubscriptionInfo,
    available_newsletters,
    confirm,
    member_subscriptions,
    member_unsubscribe,
    subscribe,
    unsubscribe,
    unsubscribe_headers,
)

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
