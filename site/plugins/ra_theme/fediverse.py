"""The "Follow us on the fediverse" box: which actor a page belongs to and its handle.

Each section of the site (blog, events, market) is an ActivityPub actor served by the
federation server; ``RA_FEDIVERSE_URL`` is that server's public URL (the site's own by
default). A reader's app finds ``@blog@host`` by WebFinger; a remote follow opens the reader's
own server at ``/authorize_interaction?uri=<actor id>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Follow:
    name: str
    display_name: str
    handle: str  # @blog@rose-ash.example.coop
    actor_id: str  # https://rose-ash.example.coop/actors/blog


def section_of(output_file: str, actors: list[Mapping[str, Any]]) -> str | None:
    """The actor whose ``path`` the page lives under (``blog/2026/x/index.html`` -> blog);
    an actor's own name (``blog``) names it directly."""
    if any(str(actor["name"]) == output_file for actor in actors):
        return output_file
    for actor in actors:
        if output_file.startswith(str(actor.get("path", "\0"))):
            return str(actor["name"])
    return None


def follow_for(settings: Mapping[str, Any], name: str | None) -> Follow | None:
    actors = {str(a["name"]): a for a in settings.get("RA_ACTORS", [])}
    actor = actors.get(name or "")
    if actor is None:
        return None
    base = str(settings.get("RA_FEDIVERSE_URL") or settings.get("SITEURL", "")).rstrip("/")
    host = urlsplit(base).netloc
    return Follow(
        name=str(actor["name"]),
        display_name=str(actor.get("display_name", actor["name"])),
        handle=f"@{actor['name']}@{host}",
        actor_id=f"{base}/actors/{actor['name']}",
    )
