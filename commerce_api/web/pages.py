"""HTML for the no-JavaScript shop: the accounts pages' layout and styles, our own bodies.

Jinja2 autoescapes everything; money reads as on the site (``manifest_contract.format_money``).
"""

from __future__ import annotations

from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment, select_autoescape
from litestar import Response

from commerce_api.accounts import pages as account_pages
from manifest_contract import format_money

__all__ = ["ORDER_WORDS", "money", "render"]

ORDER_WORDS = {
    "pending": "Your order is waiting for payment.",
    "paid": "Thank you: your order is paid.",
    "fulfilled": "Your order has been handed over.",
    "failed": "The payment did not go through.",
    "expired": "This order expired before it was paid.",
    "cancelled": "This order was cancelled.",
    "refunded": "This order was refunded.",
}
"""The same words the cart island (static/js/cart.js) shows."""

_PAGES = {
    "cart.html": """{% extends "base.html" %}{% block body %}
{% if not cart.lines %}<p>Your cart is empty.</p>
{% else %}
<ul style="list-style:none;padding:0;display:grid;gap:1rem">
{% for line in cart.lines %}<li data-cart-line="{{ line.item_id }}">
<p><a href="{{ line.url }}">{{ line.title }}</a>: {{ line.quantity }} &times;
{{ money(line.unit_price_minor, cart.currency) }} =
<strong>{{ money(line.line_total_minor, cart.currency) }}</strong>
{% if not line.available %}<br><span class="error">Not available in this quantity any more.
</span>{% endif %}</p>
<form method="post" action="/cart/view/quantity">
<input type="hidden" name="cart_csrf" value="{{ csrf }}">
<input type="hidden" name="item_id" value="{{ line.item_id }}">
<label>Quantity of {{ line.title }} <input type="number" name="quantity" min="1" max="100"
 value="{{ line.quantity }}" inputmode="numeric" required></label>
<button type="submit" class="secondary">Update quantity</button>
</form>
<form method="post" action="/cart/view/remove">
<input type="hidden" name="cart_csrf" value="{{ csrf }}">
<input type="hidden" name="item_id" value="{{ line.item_id }}">
<button type="submit" class="secondary">Remove {{ line.title }}</button>
</form>
</li>{% endfor %}
</ul>
<p>Total <strong data-cart-total>{{ money(cart.total_minor, cart.currency) }}</strong>
({{ cart.item_count }} item{{ "s" if cart.item_count != 1 }})</p>
<form method="post" action="/cart/view/checkout">
<input type="hidden" name="cart_csrf" value="{{ csrf }}">
<input type="hidden" name="idempotency_key" value="{{ idempotency_key }}">
{% if cart.lines | selectattr("kind", "equalto", "ticket") | list %}
<label>Email for your tickets and receipt <input type="email" name="email"
 autocomplete="email" required></label>
{% else %}<label>Email for your receipt (optional) <input type="email" name="email"
 autocomplete="email"></label>{% endif %}
<button type="submit">Checkout</button>
<p class="muted">You pay on SumUp's secure page, then come back here.</p>
</form>
{% endif %}
<p><a href="{{ shop_url }}">Continue shopping</a></p>
{% endblock %}""",
    "receipt.html": """{% extends "base.html" %}{% block body %}
<p role="status" data-order-state="{{ order.state }}"><strong>{{ words }}</strong></p>
<p>Reference <strong>{{ order.reference }}</strong></p>
<ul>{% for line in order.lines %}
<li>{{ line.quantity }} &times; {{ line.title }}:
{{ money(line.line_total_minor, order.currency) }}</li>{% endfor %}
</ul>
<p>Total <strong>{{ money(order.total_minor, order.currency) }}</strong></p>
{% if order.refund %}<p>Refund: {{ refund_words.get(order.refund, order.refund) }}</p>
{% endif %}
{% if order.tickets %}<h2>Your tickets</h2><p>Show these codes at the door:</p>
<ul>{% for ticket in order.tickets %}<li><code>{{ ticket.code }}</code>
({{ ticket.state }})</li>{% endfor %}</ul>{% endif %}
{% if order.state == "pending" %}
{% if order.hosted_checkout_url %}<p><a href="{{ order.hosted_checkout_url }}">Pay now</a>
</p>{% endif %}
<p><a href="/orders/{{ order.token }}/receipt">Check again</a></p>{% endif %}
{% if order.state in ("failed", "expired", "cancelled") %}
<p>Your cart still holds these items.</p>
<form method="post" action="/orders/{{ order.token }}/retry" data-retry>
<button type="submit">Try again</button></form>{% endif %}
{% if order.state == "paid" and order.total_minor == 0 and order.tickets %}
<form method="post" action="/orders/{{ order.token }}/cancel-booking">
<button type="submit" class="secondary">Cancel this booking</button></form>{% endif %}
<p class="muted">Keep this page's address: it is the only way to see this order without an
account.</p>
<p><a href="{{ shop_url }}">Back to the shop</a></p>
{% endblock %}""",
    "shop_error.html": """{% extends "base.html" %}{% block body %}
<p class="error" role="alert">{{ message }}</p>
{% if retry %}<form method="post" action="{{ retry.action }}">
{% for name, value in retry.fields %}<input type="hidden" name="{{ name }}"
 value="{{ value }}">{% endfor %}
<button type="submit">Try again</button></form>{% endif %}
<p><a href="{{ link }}">{{ link_text }}</a></p>
{% endblock %}""",
}

_REFUND_WORDS = {
    "owed": "we are giving your money back.",
    "done": "your money has been given back.",
    "failed": "we could not give your money back automatically and will contact you.",
}

_env = Environment(
    loader=ChoiceLoader(
        [DictLoader(_PAGES), DictLoader({"base.html": account_pages.LAYOUT})]  # the same layout
    ),
    autoescape=select_autoescape(default=True),
)


def money(minor: int, currency: str | None) -> str:
    """``£6.50``, ``JP¥1,200``: :func:`manifest_contract.format_money`, as the site prints it."""
    return format_money(minor, currency) if currency else ""


_env.globals.update(money=money, refund_words=_REFUND_WORDS)

_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    # form-action must let the checkout form's 303 reach SumUp's hosted page.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self' http: https:; frame-ancestors 'none'",
}


def render(template: str, *, status: int = 200, **context: Any) -> Response[str]:
    """An HTML answer with the same headers as the accounts pages: never cached (carts and
    receipts are private), never framed."""
    html = _env.get_template(template).render(**context)
    return Response(html, status_code=status, media_type="text/html", headers=dict(_HEADERS))
