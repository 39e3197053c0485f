"""JSON-LD contexts, the one serializer, and content negotiation for ActivityPub documents.

Everything we serve or deliver passes through ``with_context`` (GET responses) or ``dumps``
(delivery bodies): a JSON-LD processor such as Fedify's expands a body without the
ActivityStreams context to nothing, and Mastodon drops it.
"""

from __future__ import annotations

import json
from typing import Any

AP_CONTENT_TYPE = "application/activity+json"
LD_PROFILE = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"

#: Mastodon's ``toot:`` terms plus the schema.org bits events and products use.
EXTENSIONS: dict[str, Any] = {
    "toot": "http://joinmastodon.org/ns#",
    "schema": "http://schema.org#",
    "Hashtag": "as:Hashtag",
    "sensitive": "as:sensitive",
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    "PropertyValue": "schema:PropertyValue",
    "value": "schema:value",
    "PostalAddress": "schema:PostalAddress",
    "address": "schema:address",
    "streetAddress": "schema:streetAddress",
    "addressLocality": "schema:addressLocality",
    "postalCode": "schema:postalCode",
    "addressCountry": "schema:addressCountry",
    "timezone": {"@id": "schema:timezone", "@type": "schema:Text"},
    "featured": {"@id": "toot:featured", "@type": "@id"},
    "blurhash": "toot:blurhash",
}
#: For documents holding a key: without ``security/v1`` JSON-LD processors (Fedify) cannot
#: see ``publicKey``.
CONTEXT: list[Any] = [AS_CONTEXT, SECURITY_CONTEXT, EXTENSIONS]
#: For everything else.
CONTEXT_WITHOUT_KEYS: list[Any] = [AS_CONTEXT, EXTENSIONS]


def _holds_key(value: Any) -> bool:
    """True when a ``publicKey`` appears anywhere (an actor, or an Update embedding one)."""
    if isinstance(value, dict):
        return "publicKey" in value or any(_holds_key(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_key(v) for v in value)
    return False


def with_context(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with our ``@context`` first (an embedded object carries none); the
    security context is included where a key appears."""
    body = {k: v for k, v in document.items() if k != "@context"}
    return {"@context": CONTEXT if _holds_key(body) else CONTEXT_WITHOUT_KEYS, **body}


def dumps(document: dict[str, Any]) -> str:
    """The body we deliver: ``document`` with its context, as compact UTF-8 JSON."""
    return json.dumps(with_context(document), ensure_ascii=False, separators=(",", ":"))


def _media_ranges(accept: str) -> list[tuple[str, float, str]]:
    ranges = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        params = []
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
            else:
                params.append(param)
        ranges.append((media, quality, ";".join(params)))
    return ranges


def wants_activity_json(accept: str | None) -> bool:
    """True unless the client prefers HTML (a browser) over ActivityPub JSON.

    Clients sending no Accept header, ``*/*`` or any JSON type get JSON-LD; browsers (which
    put ``text/html`` first) are redirected to the static page.
    """
    if not accept:
        return True
    best_ap = 0.0
    best_html = 0.0
    for media, quality, _params in _media_ranges(accept):
        if media in {AP_CONTENT_TYPE, "application/ld+json", "application/json"}:
            best_ap = max(best_ap, quality)
        elif media in {"text/html", "application/xhtml+xml"}:
            best_html = max(best_html, quality)
    if best_ap == 0.0 and best_html == 0.0:
        return True
    return best_ap >= best_html
