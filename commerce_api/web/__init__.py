"""Server-rendered pages for browsers without JavaScript: the cart, checkout and the order
receipt, and the sign-in pages and email links under ``/auth``. Plain HTML forms over the same
domain functions as the JSON API."""

from commerce_api.web.auth import BrowserAuthController
from commerce_api.web.controllers import ShopPagesController, add_from_form

__all__ = ["BrowserAuthController", "ShopPagesController", "add_from_form"]
