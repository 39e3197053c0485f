"""``/catalog``: what is on sale now, with live stock, for the static pages to show."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get
from litestar.params import Parameter

from commerce_api.db import Database
from commerce_api.domain.catalog._queries import get_item, list_items
from commerce_api.domain.catalog.schemas import ItemView
from commerce_api.errors import NotFound, responses


class CatalogController(Controller):
    path = "/catalog"
    tags = ["catalog"]

    @get("/", summary="Everything on sale", responses=responses())
    async def list_catalog(
        self,
        db: Database,
        kind: Annotated[Literal["product", "ticket"] | None, Parameter(query="kind")] = None,
    ) -> list[ItemView]:
        return [ItemView.of(item) for item in await list_items(db, kind=kind)]

    @get("/{item_id:str}", summary="One product or ticket type", responses=responses(NotFound))
    async def get_catalog_item(self, db: Database, item_id: str) -> ItemView:
        return ItemView.of(await get_item(db, item_id))
