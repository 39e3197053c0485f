"""Thin handlers for the no-JavaScript shop. Every page is HTML, errors included.

- ``POST /cart/items`` with a form body (the static product and event pages' "Add to cart")
  is answered by :func:`add_from_form`, which ``create_app`` installs as the JSON handler's
  ``before_request`` hook (:func:`commerce_api.deps.cart_form_post`), so the JSON API is
  unchanged: 303 to ``GET /cart/view``, setting the cart cookie.
- ``GET /cart/view``: lines, totals, quantity and remove forms, and a "Checkout" form with an
  idempotency key generated into the page (a resubmitted form returns the same order).
- ``POST /cart/view/checkout``: 303 to SumUp's hosted checkout; remembers the order in the
  ``ra_last_order`` cookie so the static ``/order/`` page can link to ``GET /receipts/latest``.
- ``GET /orders/{token}/receipt``: the order's receipt.

Errors are readable pages with a link back and the error's own 4xx (5xx only when SumUp fails).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException
from litestar.params import CookieParameter, FromPath
from litestar.response import Redirect

from commerce_api.csrf import FORM_TYPES, check_origin, csrf_token
from commerce_api.db import Database
from commerce_api.deps import DbDep, MemberIdDep, PaymentsDep, SettingsDep
from commerce_api.domain.cart import add_item, remove_item, set_quantity, view_cart
from commerce_api.domain.cart.cookie import CART_COOKIE, cart_cookie
from commerce_api.domain.checkout import (
    check_email,
    check_idempotency_key,
    place_order,
    retry_cart,
    start_payment,
)
from commerce_api.domain.orders import PENDING, cancel_booking, order_by_token, order_view
from commerce_api.errors import (
    BadRequest,
    CommerceError,
    Conflict,
    EmptyCart,
    InvalidInput,
    NotFound,
    OutOfStock,
    PaymentProviderError,
    PaymentUnavailable,
    UnknownItem,
    responses,
)
from commerce_api.pages import render
from commerce_api.settings import Settings
from commerce_api.tokens import looks_like_token, new_token
from commerce_api.web.guard import (
    CSRF_FIELD,
    check_cart_csrf,
)

__all__ = ["LAST_ORDER_COOKIE", "ShopPagesController", "add_from_form"]

log = logging.getLogger(__name__)

LAST_ORDER_COOKIE = "ra_last_order"
CART_PAGE = "/cart/view"
AnyRequest = Request[Any, Any, Any]
CartCookie = Annotated[str | None, CookieParameter(name=CART_COOKIE)]


def _shop_url(settings: Settings) -> str:
    return f"{settings.site_url.rstrip('/')}/market/"


def error_page(
    settings: Settings,
    status: int,
    title: str,
    message: str,
    *,
    retry: dict[str, Any] | None = None,
) -> Response[str]:
    link, text = (
        (CART_PAGE, "Back to your cart") if status != 404 else (_shop_url(settings), "To the shop")
    )
    return render(
        "shop_error.html",
        status=status,
        title=title,
        message=message,
        retry=retry,
        link=link,
        link_text=text,
    )


def _html_error(request: AnyRequest, exc: Exception) -> Response[str]:
    settings: Settings = request.app.state.settings
    if isinstance(exc, CommerceError):
        return error_page(settings, exc.status_code, exc.title, exc.detail)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status >= 500:
        log.error("shop page failed: %r", exc)
        return error_page(settings, status, "Something went wrong", "Please try again later.")
    detail = exc.detail if isinstance(exc, HTTPException) else ""
    return error_page(settings, status, "Something is wrong with this request", detail)


def _quantity(value: Any) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise InvalidInput("quantity must be a whole number", field="quantity") from None


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"the form has no {name}", field=name)
    return value.strip()


def _need_cart(token: str | None) -> str:
    if token is None:
        raise BadRequest("your cart has expired or was never started", field=CART_COOKIE)
    return token


async def add_from_form(request: AnyRequest) -> Response[Any] | None:
    """``before_request`` hook of ``POST /cart/items``: a form post becomes a 303 to the cart
    page; JSON (``None`` here) goes on to the JSON handler."""
    if not request.headers.get("Content-Type", "").lower().startswith(FORM_TYPES):
        return None
    settings: Settings = request.app.state.settings
    db: Database = request.app.state.db
    try:
        check_origin(request, settings)
        form = await request.form()
        token = request.cookies.get(CART_COOKIE) or None
        view = await add_item(
            db, token, _field(form, "item_id"), _quantity(form.get("quantity", "1"))
        )
    except (CommerceError, HTTPException) as exc:
        return _html_error(request, exc)
    redirect = Redirect(CART_PAGE, status_code=303)
    if view.token:
        redirect.cookies.append(cart_cookie(view.token, settings))
    return redirect


async def _posted(request: AnyRequest, settings: Settings, token: str | None) -> tuple[Any, str]:
    """The form of a cart-page post, after the origin and cart CSRF checks."""
    check_origin(request, settings)
    token = _need_cart(token)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    check_cart_csrf(sent if isinstance(sent, str) else None, token, settings)
    return form, token


def pages(*errors: type[CommerceError]) -> dict[int, Any]:
    """``responses=`` of a page handler: each error is a page with the error's own status."""
    return responses(BadRequest, *errors, media_type=MediaType.HTML)


class ShopPagesController(Controller):
    path = "/"
    tags = ["shop pages (HTML)"]
    exception_handlers = {CommerceError: _html_error, HTTPException: _html_error}

    @get(
        CART_PAGE,
        summary="The cart as an HTML page (no JavaScript needed)",
        responses=pages(NotFound),
    )
    async def cart_page(
        self, db: DbDep, settings: SettingsDep, token: CartCookie = None
    ) -> Response[str]:
        cart = await view_cart(db, token)
        return render(
            "cart.html",
            title="Your cart",
            cart=cart,
            csrf=csrf_token(settings, cart.token) if cart.token else "",
            idempotency_key=new_token(),
            shop_url=_shop_url(settings),
        )

    @post(
        f"{CART_PAGE}/quantity",
        status_code=303,
        summary="Change a line's quantity (form)",
        responses=pages(NotFound, UnknownItem, OutOfStock),
    )
    async def change_quantity(
        self, request: AnyRequest, db: DbDep, settings: SettingsDep, token: CartCookie
    ) -> Redirect:
        form, token = await _posted(request, settings, token)
        quantity = _quantity(form.get("quantity"))
        await set_quantity(db, token, _field(form, "item_id"), quantity)
        return Redirect(CART_PAGE, status_code=303)

    @post(
        f"{CART_PAGE}/remove",
        status_code=303,
        summary="Remove a line (form)",
        responses=pages(NotFound),
    )
    async def remove(
        self, request: AnyRequest, db: DbDep, settings: SettingsDep, token: CartCookie
    ) -> Redirect:
        form, token = await _posted(request, settings, token)
        await remove_item(db, token, _field(form, "item_id"))
        return Redirect(CART_PAGE, status_code=303)

    @post(
        f"{CART_PAGE}/checkout",
        status_code=303,
        summary="Check out (form): 303 to SumUp's hosted checkout",
        responses=pages(NotFound, EmptyCart, OutOfStock, PaymentProviderError, PaymentUnavailable),
    )
    async def checkout(
        self,
        request: AnyRequest,
        db: DbDep,
        payments: PaymentsDep,
        settings: SettingsDep,
        member_id: MemberIdDep,
        token: CartCookie,
    ) -> Response[Any]:
        form, token = await _posted(request, settings, token)
        key = check_idempotency_key(form.get("idempotency_key") or None)
        email = form.get("email")
        order, _ = await place_order(
            db,
            settings,
            token,
            key,
            email=check_email(email.strip() if isinstance(email, str) else None),
            member_id=member_id,
            can_charge=payments.configured,
        )
        try:
            order = await start_payment(db, payments, settings, order)
        except CommerceError as exc:
            retry = {
                "action": f"{CART_PAGE}/checkout",
                "fields": [(CSRF_FIELD, form.get(CSRF_FIELD)), ("idempotency_key", key)],
            }
            page = error_page(settings, exc.status_code, exc.title, exc.detail, retry=retry)
            page.cookies.append(_last_order_cookie(order.token, settings))
            return page
        return _to_payment(order, settings)

    @get(
        "/orders/{order_token:str}/receipt",
        summary="An order's receipt as an HTML page",
        responses=pages(NotFound),
    )
    async def receipt(
        self, db: DbDep, settings: SettingsDep, order_token: FromPath[str]
    ) -> Response[str]:
        order = await order_view(db, order_token)
        return render(
            "receipt.html",
            title=f"Order {order.reference}",
            order=order,
            shop_url=_shop_url(settings),
        )

    @post(
        "/orders/{order_token:str}/retry",
        status_code=303,
        summary="Try again (form): check an unpaid order's lines out anew, 303 to SumUp",
        responses=pages(NotFound, Conflict, OutOfStock, PaymentProviderError, PaymentUnavailable),
    )
    async def retry(
        self,
        request: AnyRequest,
        db: DbDep,
        payments: PaymentsDep,
        settings: SettingsDep,
        member_id: MemberIdDep,
        order_token: FromPath[str],
    ) -> Response[Any]:
        """A declined, expired or cancelled order gave its lines back to its cart: check that
        cart out again (a new order), with the same email address."""
        check_origin(request, settings)
        cart_token, old = await retry_cart(db, order_token)
        order, _ = await place_order(
            db,
            settings,
            cart_token,
            new_token(),
            email=old.email,
            member_id=member_id or old.member_id,
            can_charge=payments.configured,
        )
        order = await start_payment(db, payments, settings, order)
        redirect = _to_payment(order, settings)
        redirect.cookies.append(cart_cookie(cart_token, settings))
        return redirect

    @post(
        "/orders/{order_token:str}/cancel-booking",
        status_code=303,
        summary="Cancel a free booking (form, the link in the booking email)",
        responses=pages(NotFound, Conflict),
    )
    async def cancel_booking(
        self, request: AnyRequest, db: DbDep, settings: SettingsDep, order_token: FromPath[str]
    ) -> Redirect:
        check_origin(request, settings)
        async with db.transaction() as session:
            await cancel_booking(session, await order_by_token(session, order_token))
        return Redirect(f"/orders/{order_token}/receipt", status_code=303)

    @get(
        "/receipts/latest",
        status_code=303,
        summary="303 to the receipt of the order this browser last checked out",
        responses=pages(NotFound),
    )
    async def latest_receipt(
        self,
        settings: SettingsDep,
        last: Annotated[str | None, CookieParameter(name=LAST_ORDER_COOKIE)] = None,
    ) -> Response[Any]:
        if not last or not looks_like_token(last):
            return error_page(
                settings,
                404,
                "No recent order",
                "This browser has no recent order. Your receipt's address is in the email "
                "we sent, or ask us with your order reference.",
            )
        return Redirect(f"/orders/{last}/receipt", status_code=303)


def _to_payment(order: Any, settings: Settings) -> Redirect:
    """303 to SumUp's page for a pending order (else to the order page), remembering the order
    for ``/receipts/latest``."""
    target = (
        order.hosted_checkout_url
        if order.state == PENDING and order.hosted_checkout_url
        else settings.order_page_url(order.token)
    )
    redirect = Redirect(target, status_code=303)
    redirect.cookies.append(_last_order_cookie(order.token, settings))
    return redirect


def _last_order_cookie(order_token: str, settings: Settings) -> Cookie:
    return Cookie(
        key=LAST_ORDER_COOKIE,
        value=order_token,
        max_age=7 * 24 * 3600,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
