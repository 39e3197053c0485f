"""``build/_data/activitystreams.json`` as typed structs: the build writes it, the federation
server reads it.

The structs are the contract of docs/manifests.md in code. :func:`decode_activitystreams`
turns any decoded JSON into an :class:`ActivityStreams` or raises
:class:`~manifest_contract.catalog.ContractError` naming the first field at fault
(``objects[3].url``). Fields added later are ignored, as the contract allows optional additions
without a version bump.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from manifest_contract.catalog import (
    ContentHash,
    ContractError,
    Currency,
    HttpUrl,
    Minor,
    convert,
)

__all__ = [
    "ActivityObject",
    "ActivityStreams",
    "Actor",
    "Hashtag",
    "Image",
    "Place",
    "PostalAddress",
    "Price",
    "decode_activitystreams",
]

_SLUG = r"[A-Za-z0-9][A-Za-z0-9._~-]*"
ObjectId = Annotated[str, msgspec.Meta(max_length=200, pattern=rf"^(post|event|product):{_SLUG}\Z")]
ActorName = Annotated[str, msgspec.Meta(max_length=100, pattern=rf"^{_SLUG}\Z")]
UtcTime = Annotated[datetime, msgspec.Meta(tz=True)]
Pixels = Annotated[int, msgspec.Meta(ge=1)]


class Actor(msgspec.Struct, frozen=True):
    """A section of the site that federates as its own actor (``blog``, ``events``, ...)."""

    name: ActorName
    display_name: str | None = None
    summary: str | None = None
    icon: HttpUrl | None = None
    url: HttpUrl | None = None
    image: HttpUrl | None = None
    """The profile's header (banner) image."""


class Hashtag(msgspec.Struct, frozen=True, tag_field="type", tag="Hashtag"):
    name: str
    href: HttpUrl


class Image(msgspec.Struct, frozen=True, tag_field="type", tag="Image"):
    url: HttpUrl
    mediaType: str | None = None
    name: str | None = None
    """The alt text."""
    width: Pixels | None = None
    height: Pixels | None = None


class PostalAddress(msgspec.Struct, frozen=True, tag_field="type", tag="PostalAddress"):
    streetAddress: str | None = None
    addressLocality: str | None = None
    postalCode: str | None = None
    addressCountry: str | None = None


class Place(msgspec.Struct, frozen=True, tag_field="type", tag="Place"):
    name: str
    address: PostalAddress | None = None


class Price(msgspec.Struct, frozen=True):
    amount: Minor
    currency: Currency
    display: str
    """As the site shows it, e.g. ``£6.50``."""


class ActivityObject(msgspec.Struct, frozen=True):
    """One post, event or product, keyed by its stable ``id`` (not a URL)."""

    id: ObjectId
    section: ActorName
    """The actor that publishes it."""
    type: Literal["Article", "Event", "Note"]
    url: HttpUrl
    content_hash: ContentHash
    name: str | None = None
    summary: str | None = None
    content: str | None = None
    published: UtcTime | None = None
    updated: UtcTime | None = None
    tag: list[Hashtag] = []
    attachment: list[Image] = []
    pinned: bool | None = None
    # events
    startTime: UtcTime | None = None
    endTime: UtcTime | None = None
    timezone: str | None = None
    location: Place | None = None
    # products
    price: Price | None = None
    availability: Literal["InStock", "OutOfStock"] | None = None


class ActivityStreams(msgspec.Struct, frozen=True):
    schema_version: Literal[1]
    site_url: HttpUrl
    generated_at: UtcTime
    objects: list[ActivityObject]
    actors: list[Actor] = []
    language: str = ""
    """The site's language (BCP 47), e.g. ``en``."""


_SHAPES = {
    "id": "post:<slug>, event:<slug> or product:<slug>",
    "name": "a name of letters, digits and -._~",
    "section": "the name of an actor (letters, digits and -._~)",
    "href": "an absolute http(s) URL",
    "icon": "an absolute http(s) URL",
}


def decode_activitystreams(data: Any) -> ActivityStreams:
    """Check decoded JSON against the contract; the first fault raises :class:`ContractError`."""
    manifest = convert(data, ActivityStreams, _SHAPES)
    seen: set[str] = set()
    for i, entry in enumerate(manifest.objects):
        if entry.id in seen:
            raise ContractError(f"objects[{i}].id", f"{entry.id} appears twice")
        seen.add(entry.id)
        if entry.startTime and entry.endTime and entry.endTime < entry.startTime:
            raise ContractError(f"objects[{i}].endTime", "must not be before startTime")
    return manifest
