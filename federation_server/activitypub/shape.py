"""Turn a manifest entry into the object followers' servers show best (federation_server/README.md).

- Posts and products: a Note (Mastodon, Misskey and GoToSocial show a Note's ``content`` in
  full; Mastodon shows an Article as its title and a link only). The content is the title in
  bold, the opening text (products: price and availability), the hashtags and the link.
- Events: an Event with startTime/endTime/timezone and a Place (Mobilizon, Gancio), whose
  ``name`` also says when and where: Mastodon shows an Event as its name and a link only.
  The content says when and where again, then the text and the link.
- Never ``summary``: Misskey and GoToSocial (and Mastodon, on a Note) show it as a content
  warning that hides the body.
Every object: ``attributedTo``, ``sensitive: false``, sanitised HTML, images as attachments
with alt text (and width/height when known), Hashtag tags with an ``href``, ``contentMap``
in the site's language, ``to`` Public and ``cc`` followers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime, format_time

from federation_server.activitypub.ids import PUBLIC
from federation_server.activitypub.sanitize import plain_text, sanitize_html

ATTACHMENT_TYPES = {"Image", "Document", "Video", "Audio"}
DASH = "\u2013"


@dataclass(frozen=True)
class ShapeContext:
    ap_id: str
    actor_id: str
    followers_id: str
    #: Where a hashtag without its own ``href`` links to: ``<site_url>/tag/<name>/``.
    site_url: str = ""
    #: The site's language (BCP 47, e.g. ``en``): ``contentMap`` and the date format.
    language: str = ""


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
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            continue  # relative, data: or javascript: - nothing a remote server can fetch
        kind = item.get("type") if item.get("type") in ATTACHMENT_TYPES else "Document"
        out: dict[str, Any] = {"type": kind, "url": url, "name": str(item.get("name") or "")}
        if item.get("mediaType"):
            out["mediaType"] = str(item["mediaType"])
        for key in ("width", "height"):  # Mastodon sizes the preview before it loads
            if isinstance(item.get(key), int) and not isinstance(item[key], bool):
                out[key] = item[key]
        if isinstance(item.get("blurhash"), str) and item["blurhash"]:
            out["blurhash"] = item["blurhash"]
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


def _content(obj: dict[str, Any], ctx: ShapeContext, parts: list[str]) -> dict[str, Any]:
    """Set ``content`` (and ``contentMap`` in the site's language: Mastodon reads the
    post's language from its key)."""
    obj["content"] = "".join(p for p in parts if p)
    if ctx.language:
        obj["contentMap"] = {ctx.language: obj["content"]}
    return obj


def _opening(entry: dict[str, Any]) -> str:
    """The opening text: the entry's summary (its first paragraph or lead), else the text."""
    return sanitize_html(entry.get("summary") or entry.get("content"))


def _titled_note(entry: dict[str, Any], ctx: ShapeContext, extra: str = "") -> dict[str, Any]:
    """A Note: title as the first line, the opening text, ``extra``, hashtags and the link."""
    obj = _base(entry, ctx, "Note")
    title = escape(plain_text(entry.get("name")))
    return _content(obj, ctx, [
        f"<p><strong>{title}</strong></p>" if title else "",
        _opening(entry), extra, _hashtag_line(obj.get("tag", [])), _link(entry["url"]),
    ])  # fmt: skip


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_")) if language else Locale("en")
    except (ValueError, UnknownLocaleError):
        return Locale("en")


def _moment(value: Any, zone: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(ZoneInfo(str(zone))) if zone else moment
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def when(entry: dict[str, Any], language: str = "") -> str:
    """``Sat 12 Dec 2026, 10:00`` to ``16:00`` (joined by an en dash) in the event's own
    time zone and the site's language; the end's date is repeated only on another day."""
    zone = entry.get("timezone")
    start, end = _moment(entry.get("startTime"), zone), _moment(entry.get("endTime"), zone)
    if start is None:
        return ""
    locale = _locale(language)
    text = format_datetime(start, "EEE d MMM y, HH:mm", tzinfo=start.tzinfo, locale=locale)
    if end is None or end <= start:
        return text
    if end.date() == start.date():
        return f"{text}{DASH}{format_time(end, 'HH:mm', tzinfo=end.tzinfo, locale=locale)}"
    later = format_datetime(end, "EEE d MMM, HH:mm", tzinfo=end.tzinfo, locale=locale)
    return f"{text} {DASH} {later}"


def _place(location: Any) -> dict[str, Any] | None:
    if not isinstance(location, dict):
        return None
    place: dict[str, Any] = {"type": "Place", "name": str(location.get("name") or "")}
    address = location.get("address")
    if isinstance(address, dict):
        place["address"] = {"type": "PostalAddress", **{
            k: v for k, v in address.items() if k != "type" and isinstance(v, str) and v
        }}  # fmt: skip
    elif isinstance(address, str):
        place["address"] = address
    return place


def where(place: dict[str, Any] | None) -> str:
    """``Village hall, 1 Orchard Lane, Appleby``: the place's name and its street and town."""
    if not place:
        return ""
    address = place.get("address")
    bits = [place.get("name")]
    if isinstance(address, dict):
        bits += [address.get("streetAddress"), address.get("addressLocality")]
    elif isinstance(address, str):
        bits.append(address)
    return ", ".join(dict.fromkeys(str(b) for b in bits if b))


def _event(entry: dict[str, Any], ctx: ShapeContext) -> dict[str, Any]:
    obj = _base(entry, ctx, "Event")
    for key in ("startTime", "endTime", "timezone"):
        if entry.get(key):
            obj[key] = entry[key]
    place = _place(entry.get("location"))
    if place:
        obj["location"] = place
    title = plain_text(entry.get("name"))
    date, venue = when(entry, ctx.language), where(place)
    obj["name"] = " · ".join(b for b in (title, date, venue.split(", ")[0]) if b)
    return _content(obj, ctx, [
        f"<p><strong>{escape(title)}</strong></p>" if title else "",
        f"<p>🗓 {escape(date)}</p>" if date else "",
        f"<p>📍 {escape(venue)}</p>" if venue else "",
        sanitize_html(entry.get("content") or entry.get("summary")),
        _hashtag_line(obj.get("tag", [])), _link(entry["url"]),
    ])  # fmt: skip


def _product(entry: dict[str, Any], ctx: ShapeContext) -> dict[str, Any]:
    price = entry.get("price")
    if not isinstance(price, dict):
        price = {}
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
    if entry.get("type") == "Event":
        return _event(entry, ctx)
    if entry.get("price") or str(entry.get("id", "")).startswith("product:"):
        return _product(entry, ctx)
    return _titled_note(entry, ctx)


def tombstone(ap_id: str, former_type: str, deleted: str) -> dict[str, Any]:
    """``formerType`` is an IRI in the ActivityStreams context: a bare ``Article`` would be
    read as a relative URL, so it is written ``as:Article``."""
    former = former_type if ":" in former_type else f"as:{former_type}"
    return {"id": ap_id, "type": "Tombstone", "formerType": former, "deleted": deleted}
