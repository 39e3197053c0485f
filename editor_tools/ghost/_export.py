"""Read a Ghost JSON export into plain records, or refuse it with the reason.

Only the tables a site needs are read: posts, posts_meta, tags, posts_tags, users (name and
slug only) and posts_authors. Members, newsletters, settings, API keys, sessions, password
hashes and email addresses are never looked at, so they can never be imported.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from editor_tools._errors import EditorError

STATUSES = ("published", "draft", "scheduled")


@dataclass(frozen=True)
class GhostPost:
    """One post or page, with what the site's front matter needs."""

    id: str
    kind: str  # "post" | "page"
    title: str
    slug: str
    html: str
    status: str
    visibility: str
    created_at: datetime
    updated_at: datetime | None
    published_at: datetime | None
    excerpt: str
    feature_image: str
    feature_image_alt: str
    feature_image_caption: str
    tags: tuple[str, ...]
    authors: tuple[str, ...]


def _date(value: Any, where: str) -> datetime | None:
    """``2025-06-30 15:35:36`` (UTC) or ISO 8601, as an aware UTC datetime."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise EditorError(f"{where}: {value!r} is not a date") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value)


def load_export(file: Path) -> dict[str, Any]:
    """The ``data`` object of an export, in either wrapping (``{"db": [...]}`` or bare)."""
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EditorError(f"{file}: not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EditorError(f"{file}: not a JSON file ({exc})") from None
    if isinstance(raw, dict) and isinstance(raw.get("db"), list) and raw["db"]:
        raw = raw["db"][0]
    if not isinstance(raw, dict) or not isinstance(raw.get("meta"), dict):
        raise EditorError(f"{file}: meta: missing; is this a Ghost export (Settings > Labs)?")
    data = raw.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
        raise EditorError(f"{file}: data.posts: missing; is this a Ghost export?")
    return data


def _rows(data: dict[str, Any], table: str, file: Path) -> list[dict[str, Any]]:
    rows = data.get(table) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise EditorError(f"{file}: data.{table}: not a list of rows")
    return rows


def _by_post(rows: list[dict[str, Any]], key: str, names: dict[str, str]) -> dict[str, list[str]]:
    """post id -> names, in ``sort_order``."""
    linked: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        name = names.get(str(row.get(key)))
        if name is not None:
            linked[str(row.get("post_id"))].append((int(row.get("sort_order") or 0), name))
    return {post: [name for _, name in sorted(pairs)] for post, pairs in linked.items()}


def read_posts(file: Path) -> list[GhostPost]:
    """Every post and page of the export; the first problem found refuses the whole file."""
    data = load_export(file)
    posts = _rows(data, "posts", file)
    meta = {str(r.get("post_id")): r for r in _rows(data, "posts_meta", file)}
    tag_names = {
        str(t.get("id")): str(t.get("name"))
        for t in _rows(data, "tags", file)
        if t.get("name") and not str(t["name"]).startswith("#")  # "#x": Ghost's internal tags
    }
    user_names = {str(u.get("id")): str(u.get("name")) for u in _rows(data, "users", file)}
    tags = _by_post(_rows(data, "posts_tags", file), "tag_id", tag_names)
    authors = _by_post(_rows(data, "posts_authors", file), "author_id", user_names)
    records, slugs = [], set()
    for index, row in enumerate(posts):
        where = f"{file}: data.posts[{index}]"
        for key in ("id", "title", "slug"):
            if not _text(row, key).strip():
                raise EditorError(f"{where}.{key}: missing")
        slug = _text(row, "slug")
        kind = row.get("type") or ("page" if row.get("page") in (1, True) else "post")
        if kind not in ("post", "page"):
            raise EditorError(f"{where}.type: {kind!r} is neither post nor page")
        if (kind, slug) in slugs:
            raise EditorError(f"{where}.slug: {slug!r} appears twice")
        slugs.add((kind, slug))
        status = _text(row, "status") or "draft"
        if status not in STATUSES:
            raise EditorError(f"{where}.status: {status!r} is not one of {', '.join(STATUSES)}")
        if row.get("html") is None and (row.get("lexical") or row.get("mobiledoc")):
            raise EditorError(
                f"{where}.html: missing (only lexical/mobiledoc); export from Ghost 4 or later"
            )
        created = _date(row.get("created_at"), f"{where}.created_at")
        if created is None:
            raise EditorError(f"{where}.created_at: missing")
        post_id = _text(row, "id")
        extra = meta.get(post_id, {})
        records.append(
            GhostPost(
                id=post_id,
                kind=str(kind),
                title=_text(row, "title").strip(),
                slug=slug,
                html=_text(row, "html"),
                status=status,
                visibility=_text(row, "visibility") or "public",
                created_at=created,
                updated_at=_date(row.get("updated_at"), f"{where}.updated_at"),
                published_at=_date(row.get("published_at"), f"{where}.published_at"),
                excerpt=(_text(row, "custom_excerpt") or _text(extra, "meta_description")).strip(),
                feature_image=_text(row, "feature_image"),
                feature_image_alt=(
                    _text(row, "feature_image_alt") or _text(extra, "feature_image_alt")
                ).strip(),
                feature_image_caption=(
                    _text(row, "feature_image_caption") or _text(extra, "feature_image_caption")
                ).strip(),
                tags=tuple(tags.get(post_id, [])),
                authors=tuple(authors.get(post_id, [])),
            )
        )
    return records
