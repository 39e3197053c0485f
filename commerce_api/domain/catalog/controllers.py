"""``/catalog``: what is on sale now, with live stock, for the static pages to show.

Answers come from the process's snapshot (``_cache``): ready JSON with a strong ``ETag`` and
``Cache-Control``; a request whose ``If-None-Match`` names the current ETag gets a bodyless
304. The stock shown is at most ``MAX_AGE_SECONDS`` old.
"""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, get
from litestar.params import FromPath, HeaderParameter, QueryParameter

from commerce_api.deps import DbDep
from commerce_api.domain.catalog._cache import CACHE_CONTROL, Encoded, catalog_of, etag_matches
from commerce_api.domain.catalog._queries import plausible_item_id
from commerce_api.domain.catalog.schemas import ItemView
from commerce_api.errors import NotFound, responses

IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match")]


def _answer(encoded: Encoded, if_none_match: str | None) -> Response[bytes]:
    headers = {"ETag": encoded.etag, "Cache-Control": CACHE_CONTROL}
    if etag_matches(if_none_match, encoded.etag):
        return Response(b"", status_code=304, headers=headers)
    return Response(encoded.body, media_type="application/json", headers=headers)


class CatalogController(Controller):
    path = "/catalog"
    tags = ["catalog"]

    @get(
        "/",
        summary="Everything on sale",
        responses=responses(),
        response_description="The items on sale (ETag; 304 when If-None-Match matches)",
    )
    async def list_catalog(
        self,
        db: DbDep,
        if_none_match: IfNoneMatch = None,
        kind: Annotated[Literal["product", "ticket"] | None, QueryParameter(name="kind")] = None,
    ) -> Response[list[ItemView]]:
        snapshot = await catalog_of(db).snapshot()
        return _answer(snapshot.lists[kind], if_none_match)  # type: ignore[return-value]

    @get("/{item_id:str}", summary="One product or ticket type", responses=responses(NotFound))
    async def get_catalog_item(
        self, db: DbDep, item_id: FromPath[str], if_none_match: IfNoneMatch = None
    ) -> Response[ItemView]:
        view = (await catalog_of(db).snapshot()).views.get(item_id)
        if view is None or not plausible_item_id(item_id):
            raise NotFound("this product or ticket is not on sale", field="item_id")
        return _answer(view, if_none_match)  # type: ignore[return-value]
