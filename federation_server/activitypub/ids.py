"""Where every ActivityPub id of this instance lives, minted under ``PUBLIC_URL``.

Object ids come from the manifest's stable id (``post:spring-open-day``), never from a
title, so an edit is an Update of the same id and never a second post.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote, unquote, urlsplit

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


class Urls:
    """URL builder for one instance."""

    def __init__(self, public_url: str) -> None:
        self.base = public_url.rstrip("/")

    def actor(self, name: str) -> str:
        return f"{self.base}/actors/{name}"

    def key(self, name: str) -> str:
        return f"{self.actor(name)}#main-key"

    def inbox(self, name: str) -> str:
        return f"{self.actor(name)}/inbox"

    def outbox(self, name: str) -> str:
        return f"{self.actor(name)}/outbox"

    def followers(self, name: str) -> str:
        return f"{self.actor(name)}/followers"

    def following(self, name: str) -> str:
        return f"{self.actor(name)}/following"

    def featured(self, name: str) -> str:
        """Pinned posts (Mastodon's ``toot:featured``)."""
        return f"{self.actor(name)}/featured"

    @property
    def shared_inbox(self) -> str:
        return f"{self.base}/inbox"

    def object(self, stable_id: str) -> str:
        return f"{self.base}/objects/{quote(stable_id, safe=':')}"

    def new_activity(self) -> str:
        return f"{self.base}/activities/{uuid.uuid4().hex}"

    def activity(self, token: str) -> str:
        return f"{self.base}/activities/{token}"

    def local_actor_name(self, uri: str) -> str | None:
        """The name of our actor behind ``uri``, or None when it is not one of ours."""
        prefix = f"{self.base}/actors/"
        if not uri.startswith(prefix):
            return None
        rest = uri[len(prefix) :]
        return unquote(rest) if rest and "/" not in rest and "#" not in rest else None

    def is_local(self, uri: str) -> bool:
        return uri.startswith(self.base + "/")


def domain_of(uri: str | None) -> str | None:
    """Lower-cased host of ``uri`` (without port), or None when it has none or is no URL."""
    if not uri:
        return None
    try:
        host = urlsplit(uri).hostname
    except ValueError:  # "http://[": a remote's keyId or actor answered 500
        return None
    return host.lower() if host else None


def id_of(value: Any) -> str | None:
    """The id of a link (a string) or of an embedded object (its ``id``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None
