"""Anonymous carts keyed by an unguessable token; a member's cart follows them (merged at
sign-in)."""

from commerce_api.domain.cart._cache import cart_changed_in
from commerce_api.domain.cart._merge import merge_carts
from commerce_api.domain.cart._restore import restore_lines
from commerce_api.domain.cart._service import (
    CART_TOKEN_FIELD,
    MAX_QUANTITY,
    CartLineView,
    CartView,
    add_item,
    cart_answer,
    check_token,
    load_cart,
    remove_item,
    set_quantity,
    view_cart,
)
from commerce_api.domain.cart._watch import watch_carts

__all__ = [
    "CART_TOKEN_FIELD",
    "MAX_QUANTITY",
    "CartLineView",
    "CartView",
    "add_item",
    "cart_answer",
    "cart_changed_in",
    "check_token",
    "load_cart",
    "merge_carts",
    "remove_item",
    "restore_lines",
    "set_quantity",
    "view_cart",
    "watch_carts",
]
