"""``/orders``: a shopper reads (or cancels) an order by its token; a member lists theirs."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import FromPath

from commerce_api.deps import DbDep, MemberIdDep, PaymentsDep
from commerce_api.domain.orders._admin import cancel_order
from commerce_api.domain.orders._read import member_orders, order_view, view_of
from commerce_api.domain.orders.schemas import OrderView
from commerce_api.errors import BadRequest, Conflict, NotFound, Unauthorized, responses

__all__ = ["OrdersController"]


class OrdersController(Controller):
    path = "/orders"
    tags = ["orders"]

    @get("/", summary="The signed-in member's orders", responses=responses(Unauthorized))
    async def my_orders(self, db: DbDep, member_id: MemberIdDep) -> list[OrderView]:
        if member_id is None:
            raise Unauthorized("sign in to list your orders")
        return await member_orders(db, member_id)

    @get(
        "/{order_token:str}",
        summary="Read an order by its unguessable token",
        responses=responses(BadRequest, NotFound),
    )
    async def get_order(self, db: DbDep, order_token: FromPath[str]) -> OrderView:
        return await order_view(db, order_token)

    @post(
        "/{order_token:str}/cancel",
        status_code=200,
        summary="Cancel an unpaid order and release its stock",
        responses=responses(BadRequest, NotFound, Conflict),
    )
    async def cancel(
        self, db: DbDep, payments: PaymentsDep, order_token: FromPath[str]
    ) -> OrderView:
        return await view_of(db, await cancel_order(db, payments, order_token))
