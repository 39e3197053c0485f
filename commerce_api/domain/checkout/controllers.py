"""``POST /checkout`` and the shopper's return from SumUp."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import Provide
from litestar.params import FromPath, HeaderParameter, JSONBody
from litestar.response import Redirect

from commerce_api.deps import CartTokenDep, DbDep, MemberIdDep, PaymentsDep, SettingsDep
from commerce_api.domain.cart.controllers import cart_token, need_cart_token
from commerce_api.domain.checkout._service import (
    check_email,
    check_idempotency_key,
    place_order,
    start_payment,
)
from commerce_api.domain.orders import (
    PENDING,
    OrderView,
    order_by_token,
    refresh_order,
    view_of,
)
from commerce_api.errors import (
    BadRequest,
    CommerceError,
    CurrencyMismatch,
    EmptyCart,
    NotFound,
    OutOfStock,
    PayloadTooLarge,
    PaymentProviderError,
    PaymentUnavailable,
    UnknownItem,
    responses,
)

__all__ = ["CheckoutController"]

log = logging.getLogger(__name__)


@dataclass
class CheckoutRequest:
    email: str | None = None
    """Where to send the receipt (optional)."""


class CheckoutController(Controller):
    path = "/checkout"
    tags = ["checkout"]
    dependencies = {"token": Provide(cart_token, sync_to_thread=False)}

    @post(
        "/",
        summary="Turn the cart into an order and open a SumUp hosted checkout",
        description=(
            "Needs an Idempotency-Key header: retrying with the same key returns the same "
            "order (200) instead of a second one (201). Stock is reserved for "
            "RESERVATION_MINUTES. Send the shopper to hosted_checkout_url. If SumUp is down "
            "the answer is 503 with the order's token; retry with the same key."
        ),
        responses=responses(
            BadRequest,
            NotFound,
            EmptyCart,
            UnknownItem,
            CurrencyMismatch,
            OutOfStock,
            PayloadTooLarge,
            PaymentProviderError,
            PaymentUnavailable,
        ),
    )
    async def checkout(
        self,
        db: DbDep,
        payments: PaymentsDep,
        settings: SettingsDep,
        token: CartTokenDep,
        member_id: MemberIdDep,
        idempotency_key: Annotated[
            str | None,
            HeaderParameter(name="Idempotency-Key", description="Unique per checkout attempt"),
        ] = None,
        data: JSONBody[CheckoutRequest | None] = None,
    ) -> Response[OrderView]:
        key = check_idempotency_key(idempotency_key)
        order, created = await place_order(
            db,
            settings,
            need_cart_token(token),
            key,
            email=check_email(data.email if data else None),
            member_id=member_id,
            can_charge=payments.configured,
        )
        try:
            order = await start_payment(db, payments, settings, order)
        except CommerceError as exc:
            exc.extra.update(order_token=order.token, order_reference=order.reference)
            raise
        if created and order.state == PENDING:
            # Just written by this request, no tickets or refund yet: no need to read it again.
            return Response(OrderView.of(order), status_code=201)
        return Response(await view_of(db, order), status_code=201 if created else 200)

    @get(
        "/return/{order_token:str}",
        summary="Where SumUp sends the shopper back; confirms and redirects to the order page",
        responses=responses(BadRequest, NotFound),
        status_code=303,
    )
    async def shopper_return(
        self, db: DbDep, payments: PaymentsDep, settings: SettingsDep, order_token: FromPath[str]
    ) -> Redirect:
        async with db.reading() as session:
            order = await order_by_token(session, order_token, field="order_token")
        try:
            await refresh_order(db, payments, order)
        except (PaymentUnavailable, PaymentProviderError) as exc:
            log.warning("return of %s: SumUp not asked (%s)", order.reference, exc.detail)
        return Redirect(settings.order_page_url(order.token), status_code=303)
