"""Write ``_data/catalog.json`` and ``_data/activitystreams.json`` into the built site.

Posts and products come from the Pelican context; other plugins add theirs by appending dicts
to ``context["manifest_catalog_items"]`` and ``context["manifest_activity_objects"]`` (see
ra_events). Only published content is in the context lists, so drafts and future posts are
absent. Every string is passed through the asset rewrite (hashed image names) and then
``content_hash`` is computed over the final entry. Each finished entry is checked against the
contract's struct (``manifest_contract``): the build never writes what a server would refuse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

from ra_core import content_hash, memo

from manifest_contract import SCHEMA_VERSION
from manifest_contract.activitystreams import ActivityObject, Actor
from manifest_contract.catalog import ContractError, Newsletter, Product, TicketType, convert
from ra_manifests.entries import (
    Entry,
    absolute,
    actors,
    post_object,
    product_item,
    product_object,
)

CATALOG_KEY = "manifest_catalog_items"
ACTIVITY_KEY = "manifest_activity_objects"
DATA_DIR = "_data"


def _map_strings(value: Any, rewrite: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, rewrite) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, rewrite) for v in value]
    return value


class Finished(NamedTuple):
    """A finished entry: its id (the manifests' sort key) and its JSON as ``chunks`` places it
    in a manifest's list (indented for a top-level key's list, no trailing comma)."""

    id: str
    text: str


#: a list item's indent in ``json.dumps(manifest, indent=2)`` (a top-level key's list)
_ITEM_INDENT = "    "


#: ``url -> (width, height)`` of an image the build wrote, or None.
Sizer = Callable[[str], "tuple[int, int] | None"]


def image_sizer(site_url: str, output: Path) -> Sizer:
    """Reads an image's size from its header in the built site (the image pipeline's own
    ``probe``: no decoding)."""
    from ra_images.derive import probe

    prefix = site_url.rstrip("/") + "/"
    root = output.resolve()

    def size(url: str) -> tuple[int, int] | None:
        if not url.startswith(prefix):
            return None
        name = unquote(url[len(prefix) :].split("?", 1)[0])
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        found = probe(path, name)
        return (found.width, found.height) if found else None

    return size


def _with_sizes(body: Entry, size: Sizer | None) -> Entry:
    """Attachments get ``width`` and ``height``: Mastodon lays the preview out before the
    image loads."""
    if size is None:
        return body
    for item in body.get("attachment") or []:
        found = size(item["url"]) if isinstance(item.get("url"), str) else None
        if found:
            item["width"], item["height"] = found
    return body


#: The struct each manifest's entries are written through.
CatalogEntry = Product | TicketType


def checked(entry: Entry, struct: Any) -> Entry:
    """``entry`` unchanged if the contract's ``struct`` takes it; else ContractError naming
    the entry's id and the field (``product:honey.price: ...``)."""
    try:
        convert(entry, struct)
    except ContractError as exc:
        raise ContractError(f"{entry.get('id', '?')}.{exc.field}", exc.message) from None
    return entry


def _finish_one(
    entry: Entry, rewrite: Callable[[str], str], struct: Any, size: Sizer | None = None
) -> Finished:
    body = _map_strings({k: v for k, v in entry.items() if k != "content_hash"}, rewrite)
    body = _with_sizes(body, size)
    body["content_hash"] = content_hash(body)
    checked(body, struct)
    text = json.dumps(body, indent=2, ensure_ascii=False)
    return Finished(str(body["id"]), "\n".join(_ITEM_INDENT + line for line in text.split("\n")))


def finish(
    entries: list[Entry],
    rewrite: Callable[[str], str],
    rewrite_key: Any,
    struct: Any,
    size: Sizer | None = None,
) -> list[Finished]:
    """Rewrite asset URLs, (re)compute content_hash over what is written, check against the
    contract's ``struct``, serialise; sorted by id.

    Each result is kept between builds (ra_core.memo) under the entry as built and
    ``rewrite_key`` (what the rewrite depends on): entries are JSON values, so their repr
    says all they hold, and a rebuild finishes only the entries of changed content.
    """
    finished = [
        memo.lookup(
            "manifest-entry",
            memo.key(rewrite_key, entry),
            partial(_finish_one, entry, rewrite, struct, size),
        )
        for entry in entries
    ]
    return sorted(finished, key=lambda f: f.id)


class Kept:
    """Finished entries of content objects, kept by a resident process between its builds.

    Its partial re-run edits a few content objects in place and keeps every other one as it
    was: their entries are the same, so they are neither built, keyed nor serialised again.
    The edited objects are ``forget``-ed; any other build starts afresh (``clear``).
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[int, str], tuple[Any, Any, Finished]] = {}
        #: how many entries were finished (not found kept) so far
        self.made = 0

    def finished(self, content: Any, kind: str, key: Any, make: Callable[[], Finished]) -> Finished:
        found = self._entries.get((id(content), kind))
        if found is not None and found[0] is content and found[1] == key:
            return found[2]
        done = make()
        self.made += 1
        self._entries[(id(content), kind)] = (content, key, done)
        return done

    def forget(self, contents: Iterable[Any]) -> None:
        gone = {id(content) for content in contents}
        for entry in [e for e in self._entries if e[0] in gone]:
            del self._entries[entry]

    def clear(self) -> None:
        self._entries.clear()


def _finish_contents(
    contents: Iterable[Any],
    kind: str,
    make: Callable[[Any], Entry],
    finishing: Callable[[list[Entry]], list[Finished]],
    key: Any,
    kept: Kept | None,
) -> list[Finished]:
    """The finished entries of ``contents`` (unsorted), through ``kept`` when given."""
    if kept is None:
        return finishing([make(content) for content in contents])
    return [
        kept.finished(content, kind, key, partial(lambda c: finishing([make(c)])[0], content))
        for content in contents
    ]


def chunks(manifest: Mapping[str, Any]) -> Iterator[str]:
    """The pieces of ``json.dumps(manifest, indent=2, ensure_ascii=False)``, where a top-level
    list of ``Finished`` entries is written as json.dumps would write the entries themselves.

    Written piece by piece: joined, the activity manifest of 1,000 long posts is a 40 MB
    string, and joining, replacing and encoding it made three more (the build's peak memory).
    """
    lists: dict[str, list[Finished]] = {}
    shallow = dict(manifest)
    for name, value in manifest.items():
        if isinstance(value, list) and value and all(isinstance(v, Finished) for v in value):
            lists[json.dumps(f"\0{name}\0")] = value
            shallow[name] = f"\0{name}\0"
    text = json.dumps(shallow, indent=2, ensure_ascii=False)
    places = []
    for placeholder in lists:
        if text.count(placeholder) != 1:  # only a header string equal to "\0name\0" could
            raise ValueError(f"manifest text holds the placeholder {placeholder}")
        places.append((text.index(placeholder), placeholder))
    done = 0
    for at, placeholder in sorted(places):
        yield text[done:at]
        yield "[\n"
        for index, item in enumerate(lists[placeholder]):
            yield ",\n" + item.text if index else item.text
        yield "\n  ]"
        done = at + len(placeholder)
    yield text[done:]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_manifests(
    context: Mapping[str, Any],
    rewrite: Callable[[str], str],
    rewrite_key: Any,
    size: Sizer | None = None,
    kept: Kept | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(catalog, activitystreams) for ``chunks``; ``rewrite_key`` stands for everything
    ``rewrite`` depends on (with fingerprinted images, ``size``'s answers too); ``kept``:
    the entries of content objects unchanged since the last build (see ``Kept``)."""
    site_url = str(context["SITEURL"]).rstrip("/")
    products = list(context.get("products", []))
    articles = list(context.get("articles", []))
    header = {"schema_version": SCHEMA_VERSION, "generated_at": _now(), "site_url": site_url}
    items = partial(finish, rewrite=rewrite, rewrite_key=rewrite_key, struct=CatalogEntry)
    objects = partial(
        finish, rewrite=rewrite, rewrite_key=rewrite_key, struct=ActivityObject, size=size
    )

    def by_id(*parts: list[Finished]) -> list[Finished]:
        return sorted((f for part in parts for f in part), key=lambda f: f.id)

    item = partial(product_item, site_url=site_url)
    post, note = partial(post_object, site_url=site_url), partial(product_object, site_url=site_url)
    catalog = header | {
        "items": by_id(
            _finish_contents(products, "item", item, items, rewrite_key, kept),
            items(list(context.get(CATALOG_KEY, []))),
        ),
        "newsletters": [checked(dict(n), Newsletter) for n in context.get("RA_NEWSLETTERS", [])],
    }
    logo = rewrite(absolute(site_url, str(context.get("RA_LOGO", ""))))
    banner = absolute(site_url, str(context.get("RA_DEFAULT_IMAGE", "")))
    activity = header | {
        "language": str(context.get("DEFAULT_LANG") or "en"),
        "actors": [
            checked(actor | {"image": rewrite(actor["image"])}, Actor)
            for actor in actors(context, site_url, logo, banner)
        ],
        "objects": by_id(
            _finish_contents(articles, "post", post, objects, rewrite_key, kept),
            _finish_contents(products, "product", note, objects, rewrite_key, kept),
            objects(list(context.get(ACTIVITY_KEY, []))),
        ),
    }
    return catalog, activity


def write_manifests(
    context: MutableMapping[str, Any],
    output: Path,
    asset_map: Mapping[str, str],
    served: Path | None = None,
    kept: Kept | None = None,
) -> tuple[Path, Path]:
    """Write both manifests into ``output``; image sizes are read from ``served`` when
    given (a build that writes only its changed files, the site's images are there);
    ``kept``: see ``Kept``."""
    from ra_assets.fingerprint import reference_rewriter

    site_url = str(context["SITEURL"])
    catalog, activity = build_manifests(
        context,
        reference_rewriter(asset_map, site_url),
        memo.key(site_url, sorted(asset_map.items())),
        image_sizer(site_url, served or output),
        kept,
    )
    folder = output / DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "catalog.json", folder / "activitystreams.json")
    for path, data in zip(paths, (catalog, activity), strict=True):
        path.unlink(missing_ok=True)  # a new file, never written through a hard link
        with path.open("w", encoding="utf-8") as out:
            out.writelines(chunks(data))
            out.write("\n")
    return paths
