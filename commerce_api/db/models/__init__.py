"""Every model, imported here so ``Base.metadata`` is complete for Alembic and tests.

Accounts add their models as ``_<name>.py`` beside these and import them below.
"""

from commerce_api.db.models._cart import Cart, CartLine
from commerce_api.db.models._catalog import Item
from commerce_api.db.models._order import Order, OrderLine
from commerce_api.db.models._ticket import Ticket

__all__ = ["Cart", "CartLine", "Item", "Order", "OrderLine", "Ticket"]
