"""One manifest entry per published post and product (docs/manifests.md, schema_version 1).

Entries are built with the site's own URLs; the writer then points image URLs at their hashed
names and computes ``content_hash`` last, over exactly what is written.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from ra_core import html_tags

Entry = dict[str, Any]


def absolute(site_url: str, path: str) -> str:
    return f"{site_url.rstrip('/')}/{path.lstrip('/')}"


def utc(value: datetime | None) -> str | None:
    """``2026-03-01T09:00:00Z`` (manifests use UTC for published/updated)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def media_type(url: str) -> str:
    return mimetypes.guess_type(url)[0] or "application/octet-stream"


def resolve(page_url: str, src: str) -> str | None:
    """``src`` as written in a page, resolved against that page's URL as a browser does;
    None unless the result is an http(s) URL (``data:``, ``javascript:``, empty)."""
    if not src.strip():
        return None
    resolved = urljoin(page_url, src.strip())
    parts = urlsplit(resolved)
    return resolved if parts.scheme in ("http", "https") and parts.netloc else None


def attachments(images: Iterable[tuple[str, str]], page_url: str) -> list[Entry]:
    """``Image`` attachments for (src, alt) pairs found on ``page_url``: each resolved to an
    absolute http(s) URL (others dropped), each once, in order."""
    seen: set[str] = set()
    found = []
    for src, alt in images:
        url = resolve(page_url, src)
        if url and url not in seen:
            seen.add(url)
            found.append({"type": "Image", "mediaType": media_type(url), "url": url, "name": alt})
    return found


def image_attachments(content: Any, site_url: str) -> list[Entry]:
    """The lead image (front matter) then every image in the body, each once, with alt text."""
    images: list[tuple[str, str]] = []
    if getattr(content, "image", None):
        images.append((absolute(site_url, content.image), str(content.image_alt or "")))
    images.extend((src, alt or "") for src, alt in html_tags(content.content or "").images)
    return attachments(images, absolute(site_url, content.url))


def hashtags(content: Any, site_url: str) -> list[Entry]:
    return [
        {"type": "Hashtag", "name": f"#{tag.slug}", "href": absolute(site_url, tag.url)}
        for tag in getattr(content, "tags", []) or []
    ]


def pinned(content: Any) -> bool:
    """``pinned: true`` in the front matter (Pelican keeps metadata as strings)."""
    return str(getattr(content, "pinned", "")).strip().lower() in {"true", "yes", "1"}


def post_object(article: Any, site_url: str) -> Entry:
    entry = {
        "id": f"post:{article.slug}",
        "section": "blog",
        "type": "Article",
        "name": article.title,
        "summary": str(article.summary or ""),
        "content": article.content,
        "url": absolute(site_url, article.url),
        "published": utc(article.date),
        "updated": utc(getattr(article, "modified", None)),
        "tag": hashtags(article, site_url),
        "attachment": image_attachments(article, site_url),
    }
    if pinned(article):  # only when set, so unpinned entries keep their content_hash
        entry["pinned"] = True
    return entry


def product_item(product: Any, site_url: str) -> Entry:
    return {
        "id": product.product_id,
        "kind": "product",
        "title": product.title,
        "url": absolute(site_url, product.url),
        "price": product.price,
        "currency": product.currency,
        "stock": product.stock,
        "category": str(product.category),
        "image": absolute(site_url, product.image) if getattr(product, "image", None) else None,
    }


def product_object(product: Any, site_url: str) -> Entry:
    return {
        "id": product.product_id,
        "section": "market",
        "type": "Note",
        "name": product.title,
        "summary": str(product.summary or ""),
        "content": product.content,
        "url": absolute(site_url, product.url),
        "published": utc(getattr(product, "date", None)),
        "updated": utc(getattr(product, "modified", None)),
        "tag": [],
        "attachment": image_attachments(product, site_url),
        "price": {
            "amount": product.price,
            "currency": product.currency,
            "display": product.price_display,
        },
        "availability": product.availability,
    }


def actors(
    settings: Mapping[str, Any], site_url: str, logo_url: str, header_url: str
) -> list[Entry]:
    """One profile per section actor: the site's logo as avatar, its header image (an
    actor's own ``header`` path, else the site's default image) as the profile banner."""
    return [
        {
            "name": actor["name"],
            "display_name": actor["display_name"],
            "summary": actor["summary"],
            "icon": logo_url,
            "image": absolute(site_url, actor["header"]) if actor.get("header") else header_url,
            "url": absolute(site_url, actor["path"]),
        }
        for actor in settings.get("RA_ACTORS", [])
    ]
