"""Turn a manifest entry into the ActivityStreams object Mastodon and friends render well.

- Posts: Article (name, summary, content, url) or, with ``article_as_note``, a Note whose
  first line is the title and whose last is the link (Mastodon shows an Article as a bare
  title + link, which is why the WordPress plugin sends Notes).
- Events: Event with startTime/endTime/timezone and a Place location (Mobilizon, Gancio).
- Products: Note with the title, text, price and a link.
Every object: ``attributedTo``, ``sensitive: false``, sanitised HTML, images as attachments
with alt text, Hashtag tags with an ``href``, ``to`` Public and ``cc`` followers.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

from federation_server.activitypub.ids import PUBLIC
from federation_server.activitypub.sanitize import sanitize_html

ATTACHMENT_TYPES = {"Image", "Document", "Video", "Audio"}


@dataclass(frozen=True)
class ShapeContext:
    ap_id: str
    actor_id: str
    followers_id: str
    article_as_note: bool = False
    #: Where a hashtag without its own ``href`` links to: ``<site_url>/tag/<name>/``.
    site_url: str = ""


def _link(url: str) -> str:
    safe = escape(url, quote=True)
    return f'<p><a href="{safe}">{escape(url)}</a></p>'


def _tags(entry: dict[str, Any], site_url: str) -> list[dict[str, Any]]:
    """Hashtag tags, each with an ``href`` (Mastodon links the tag with it)."""
    tags = []
    for tag in entry.get("tag") or []:
        if not isinstance(tag, dict) or tag.get("type") != "Hashtag" or not tag.get("name"):
            continue
        label = str(tag["name"]).lstrip("#")
        href = str(tag.get("href") or f"{site_url.rstrip('/')}/tag/{quote(label.lower())}/")
        tags.append({"type": "Hashtag", "name": f"#{label}", "href": href})
    return tags


def _attachments(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Attachments with a single-string ``url`` (an array made Mastodon drop posts)."""
    shaped = []
    for item in entry.get("attachment") or []:
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        if isinstance(url, list):
            url = next((u for u in url if isinstance(u, str)), None)
        if isinstance(url, dict):
            url = url.get("href")
        if not isinstance(url, str) or not url:
            continue
        kind = item.get("type") if item.get("type") in ATTACHMENT_TYPES else "Document"
        out: dict[str, Any] = {"type": kind, "url": url, "name": str(item.get("name") or "")}
        if item.get("mediaType"):
            out["mediaType"] = str(item["mediaType"])
        shaped.append(out)
    return shaped


def _hashtag_line(tags: list[dict[str, Any]]) -> str:
    links = []
    for tag in tags:
        label = escape(tag["name"].lstrip("#"))
        href = escape(tag["href"], quote=True)
        links.append(
            f'<a href="{href}" class="mention hashtag" rel="tag">#<span>{label}</span></a>'
        )
    return f"<p>{' '.join(links)}</p>" if links else ""


def _base(entry: dict[str, Any], ctx: ShapeContext, kind: str) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": ctx.ap_id,
        "type": kind,
        "attributedTo": ctx.actor_id,
        "url": entry["url"],
        "to": [PUBLIC],
        "cc": [ctx.followers_id],
        "mediaType": "text/html",
        "sensitive": False,
    }
    if entry.get("published"):
        obj["published"] = entry["published"]
    tags = _tags(entry, ctx.site_url)
    if tags:
        obj["tag"] = tags
    attachments = _attachments(entry)
    if attachments:
        obj["attachment"] = attachments
    return obj


def _named(entry: dict[str, Any], ctx: ShapeContext, kind: str) -> dict[str, Any]:
    """An Article or Event: a ``name``, a ``summary`` when there is one, the ``content``."""
    obj = _base(entry, ctx, kind)
    obj["name"] = str(entry.get("name") or "")
    summary = sanitize_html(entry.get("summary"))
    if summary:
        obj["summary"] = summary
    obj["content"] = sanitize_html(entry.get("content"))
    return obj


def _titled_note(entry: dict[str, Any], ctx: ShapeContext, extra: str = "") -> dict[str, Any]:
    """A Note: title as the first line, the text, ``extra``, hashtags and the link.

    No ``summary``: on a Note Mastodon would show it as a content warning.
    """
    obj = _base(entry, ctx, "Note")
    title = escape(str(entry.get("name") or ""))
    parts = [f"<p><strong>{title}</strong></p>" if title else ""]
    parts.append(sanitize_html(entry.get("content") or entry.get("summary")))
    parts.append(extra)
    parts.append(_hashtag_line(obj.get("tag", [])))
    parts.append(_link(entry["url"]))
    obj["content"] = "".join(p for p in parts if p)
    return obj


def _event(entry: dict[str, Any], ctx: ShapeContext) -> dict[str, Any]:
    obj = _named(entry, ctx, "Event")
    for key in ("startTime", "endTime", "timezone"):
        if entry.get(key):
            obj[key] = entry[key]
    location = entry.get("location")
    if isinstance(location, dict):
        place: dict[str, Any] = {"type": "Place", "name": str(location.get("name") or "")}
        address = location.get("address")
        if isinstance(address, dict):
            place["address"] = {"type": "PostalAddress", **{
                k: v for k, v in address.items() if k != "type" and isinstance(v, str)
            }}  # fmt: skip
        elif isinstance(address, str):
            place["address"] = address
        obj["location"] = place
    return obj


def _product(entry: dict[str, Any], ctx: ShapeContext) -> dict[str, Any]:
    price = entry.get("price") if isinstance(entry.get("price"), dict) else {}
    bits = []
    if price.get("display"):
        bits.append(escape(str(price["display"])))
    availability = entry.get("availability")
    if availability == "InStock":
        bits.append("In stock")
    elif availability == "OutOfStock":
        bits.append("Out of stock")
    extra = f"<p>{' · '.join(bits)}</p>" if bits else ""
    return _titled_note(entry, ctx, extra)


def shape_object(entry: dict[str, Any], ctx: ShapeContext) -> dict[str, Any]:
    """The ActivityStreams object (without ``@context``) for one manifest entry."""
    kind = entry.get("type")
    if kind == "Event":
        return _event(entry, ctx)
    if kind == "Article":
        return _titled_note(entry, ctx) if ctx.article_as_note else _named(entry, ctx, "Article")
    if entry.get("price") or str(entry.get("id", "")).startswith("product:"):
        return _product(entry, ctx)
    return _titled_note(entry, ctx)


def tombstone(ap_id: str, former_type: str, deleted: str) -> dict[str, Any]:
    """``formerType`` is an IRI in the ActivityStreams context: a bare ``Article`` would be
    read as a relative URL, so it is written ``as:Article``."""
    former = former_type if ":" in former_type else f"as:{former_type}"
    return {"id": ap_id, "type": "Tombstone", "formerType": former, "deleted": deleted}
