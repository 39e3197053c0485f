"""Every model, imported here so ``Base.metadata`` is complete for Alembic and tests.

Accounts add their models as ``_<name>.py`` beside these and import them below.
"""

# Accounts, mail and OAuth keep their models in their own packages; imported here so the
# metadata (and Alembic) sees them.
from commerce_api.accounts.models import (
    AuthFailure,
    EmailToken,
    MemberCart,
    NewsletterSubscription,
    User,
    WebSession,
)
from commerce_api.db.models._cart import Cart, CartLine
from commerce_api.db.models._catalog import Item
from commerce_api.db.models._order import Order, OrderLine
from commerce_api.db.models._refund import Refund
from commerce_api.db.models._ticket import Ticket
from commerce_api.mail.models import OutboxMessage
from commerce_api.oauth.models import OAuthClient, OAuthCode, OAuthToken, SigningKey

__all__ = [
    "AuthFailure",
    "Cart",
    "CartLine",
    "EmailToken",
    "Item",
    "MemberCart",
    "NewsletterSubscription",
    "OAuthClient",
    "OAuthCode",
    "OAuthToken",
    "Order",
    "OrderLine",
    "OutboxMessage",
    "Refund",
    "SigningKey",
    "Ticket",
    "User",
    "WebSession",
]
