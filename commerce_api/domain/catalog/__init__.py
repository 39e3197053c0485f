"""The catalogue: parsed from the build's ``catalog.json`` and synced into ``items``."""

from commerce_api.domain.catalog._cache import (
    CatalogCache,
    Encoded,
    catalog_changed,
    catalog_of,
    etag_matches,
)
from commerce_api.domain.catalog._queries import plausible_item_id
from commerce_api.domain.catalog._schema import (
    Catalog,
    CatalogEntry,
    CatalogError,
    load_catalog_file,
    parse_catalog,
)
from commerce_api.domain.catalog._sync import SyncReport, sync_catalog

__all__ = [
    "Catalog",
    "CatalogCache",
    "CatalogEntry",
    "CatalogError",
    "Encoded",
    "SyncReport",
    "catalog_changed",
    "catalog_of",
    "etag_matches",
    "load_catalog_file",
    "parse_catalog",
    "plausible_item_id",
    "sync_catalog",
]
