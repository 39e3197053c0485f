"""Server-rendered shop pages for browsers without JavaScript: the cart, checkout and the
order receipt. Plain HTML forms over the same domain functions as the JSON API."""

from commerce_api.web.controllers import ShopPagesController, add_from_form

__all__ = ["ShopPagesController", "add_from_form"]
