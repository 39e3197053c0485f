"""Every model, imported here so ``Base.metadata`` is complete for Alembic and tests.

Each context's tables sit in a ``_<name>.py`` here; features import their models from this
package (``db`` imports no feature package).
"""

from commerce_api.db.models._cart import Cart, CartLine, MemberCart
from commerce_api.db.models._catalog import Item
from commerce_api.db.models._identity import AuthFailure, EmailToken, User, WebSession
from commerce_api.db.models._mail import OutboxMessage
from commerce_api.db.models._newsletter import NewsletterSubscription
from commerce_api.db.models._oauth import OAuthClient, OAuthCode, OAuthToken, SigningKey
from commerce_api.db.models._order import Order, OrderLine
from commerce_api.db.models._refund import Refund
from commerce_api.db.models._ticket import Ticket

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
