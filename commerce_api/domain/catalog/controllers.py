"""``/catalog``: what is on sale now, with live stock, for the static pages to show."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from commerce_api.deps import DbDep
from commerce_api.domain.catalog._queries import get_item, list_items
from commerce_api.domain.catalog.schemas import ItemView
from commerce_api.errors import NotFound, responses


class CatalogController(Controller):
    path = "/catalog"
    tags = ["catalog"]

    @get("/", summary="Everything on sale", responses=responses())
    async def list_catalog(
        self,
        db: DbDep,
        kind: Annotated[Literal["product", "ticket"] | None, QueryParameter(name="kind")] = None,
    ) -> list[ItemView]:
        return [ItemView.of(item) for item in await list_items(db, kind=kind)]

    @get("/{item_id:str}", summary="One product or ticket type", responses=responses(NotFound))
    async def get_catalog_item(self, db: DbDep, item_id: FromPath[str]) -> ItemView:
        return ItemView.of(await get_item(db, item_id))
