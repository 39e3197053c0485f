"""Every activity our actors send, built here and nowhere else.

Receivers check more than the JSON shape: Mastodon wants a Create/Update/Delete addressed
exactly as its object, an Accept to embed the Follow it answers (id, actor, object), and
every body to carry ``@context`` (added by ``jsonld.with_context`` when it is serialised).
Building each kind in one function keeps those rules in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from federation_server.activitypub.ids import PUBLIC, Urls, id_of

__all__ = [
    "Activity",
    "accept_follow",
    "create",
    "delete",
    "update",
    "update_actor",
]


@dataclass(frozen=True, slots=True)
class Activity:
    """One outgoing activity; ``document()`` is its JSON without ``@context``."""

    id: str
    type: str
    actor: str
    object: Any
    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    published: str | None = None

    @property
    def object_id(self) -> str | None:
        return id_of(self.object)

    @property
    def public(self) -> bool:
        """Addressed to everyone (only those belong in the outbox anyone may read)."""
        return PUBLIC in self.to or PUBLIC in self.cc

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"id": self.id, "type": self.type, "actor": self.actor}
        if self.published:
            document["published"] = self.published
        document["to"] = list(self.to)
        if self.cc:
            document["cc"] = list(self.cc)
        document["object"] = self.object
        return document


def _addressed_as(obj: Mapping[str, Any], urls: Urls, actor: str) -> tuple[tuple, tuple]:
    """The object's own audience (Mastodon checks an activity and its object agree)."""
    to = obj.get("to") or [PUBLIC]
    cc = obj.get("cc") or [urls.followers(actor)]
    return tuple(to), tuple(cc)


def _about(kind: str, urls: Urls, actor: str, obj: dict[str, Any], when: str) -> Activity:
    to, cc = _addressed_as(obj, urls, actor)
    return Activity(urls.new_activity(), kind, urls.actor(actor), obj, to, cc, when)


def create(urls: Urls, actor: str, obj: dict[str, Any], when: str) -> Activity:
    """A new object of ``actor``'s, addressed as the object."""
    return _about("Create", urls, actor, obj, when)


def update(urls: Urls, actor: str, obj: dict[str, Any], when: str) -> Activity:
    """An edited object; it carries ``updated`` (Mastodon shows an edit only then)."""
    if not obj.get("updated"):
        raise ValueError("an updated object needs its 'updated' time")
    return _about("Update", urls, actor, obj, when)


def delete(urls: Urls, actor: str, tombstone: dict[str, Any], when: str) -> Activity:
    """A removed object, as its Tombstone, to everyone who could see it."""
    return _about("Delete", urls, actor, tombstone, when)


def update_actor(urls: Urls, actor: str, document: dict[str, Any], when: str) -> Activity:
    """A changed profile (name, summary, icon, header), to the public and the followers."""
    return Activity(
        urls.new_activity(),
        "Update",
        urls.actor(actor),
        document,
        (PUBLIC,),
        (urls.followers(actor),),
        when,
    )


def accept_follow(urls: Urls, actor: str, follow: Mapping[str, Any], follower: str) -> Activity:
    """The answer to ``follower``'s Follow, to that follower alone.

    It embeds the Follow as Mastodon sends it (id, type, actor, object) rather than the
    received body, whose own ``@context`` terms would not survive under ours.
    """
    embedded = {
        "id": id_of(follow),
        "type": "Follow",
        "actor": follower,
        "object": id_of(follow.get("object")) or urls.actor(actor),
    }
    if embedded["id"] is None:
        del embedded["id"]
    return Activity(urls.new_activity(), "Accept", urls.actor(actor), embedded, (follower,))
