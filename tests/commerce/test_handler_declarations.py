"""Commerce handlers declare every parameter explicitly (FromPath, HeaderParameter, JSONBody,
NamedDependency), so Litestar raises no deprecation warning for them and the next Litestar
major keeps routing them the same way."""

from __future__ import annotations

import warnings

from litestar import Litestar
from litestar.exceptions import LitestarDeprecationWarning

from commerce_api.app import route_handlers
from commerce_api.deps import dependencies

DEPRECATIONS = (LitestarDeprecationWarning, DeprecationWarning)


def test_commerce_handlers_raise_no_litestar_deprecation_warning() -> None:
    from commerce_api.app import _identity_handlers  # accounts/OAuth: checked by their tests

    identity = set(map(id, _identity_handlers()))
    commerce = [h for h in route_handlers() if id(h) not in identity]
    assert len(commerce) >= 8
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = Litestar(route_handlers=commerce, dependencies=dependencies)
        app.openapi_schema  # noqa: B018  (builds the schema, which resolves every parameter)
    deprecated = [str(w.message) for w in caught if issubclass(w.category, DEPRECATIONS)]
    assert deprecated == []
    assert {"/checkout", "/bookings", "/cart/items/{item_id}"} <= set(app.openapi_schema.paths)
