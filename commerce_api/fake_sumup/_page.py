"""The fake's hosted payment page: plain HTML forms, no script, its own origin."""

from __future__ import annotations

from html import escape

from ._state import FakeCheckout

__all__ = ["payment_page", "result_page"]

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}"
    "button{font-size:1.1rem;padding:.5rem 1.5rem;margin-right:1rem}"
)


def _document(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><p><strong>Fake SumUp</strong> (test payments only)</p>{body}</body></html>"
    )


def payment_page(checkout: FakeCheckout) -> str:
    """The page at ``hosted_checkout_url``: amount, description, Pay and Decline buttons."""
    amount = f"{checkout.amount} {escape(checkout.currency)}"
    summary = (
        f'<h1>Pay <span id="amount">{amount}</span></h1>'
        f"<p>{escape(checkout.description or '')}</p>"
        f"<p>Reference <code>{escape(checkout.checkout_reference)}</code></p>"
    )
    if checkout.status != "PENDING":
        return _document(
            "Checkout closed",
            summary + f'<p id="status">This checkout is {escape(checkout.status)}.</p>',
        )
    forms = (
        f'<form method="post" action="/pay/{escape(checkout.id)}">'
        '<button type="submit" name="action" value="pay" id="pay">Pay</button>'
        '<button type="submit" name="action" value="decline" id="decline">Decline</button>'
        "</form>"
    )
    return _document(f"Pay {checkout.currency} {checkout.amount}", summary + forms)


def result_page(checkout: FakeCheckout) -> str:
    """Shown after paying when the checkout has no ``redirect_url`` to go back to."""
    word = "Payment received" if checkout.status == "PAID" else "Payment declined"
    return _document(word, f'<h1 id="status">{word}</h1>')
