"""Real-world shapes of other fediverse servers, for interoperability tests without them.

No Mastodon, GoToSocial, Fedify, Pleroma or Misskey can run here, so each ``Peer`` is a
loopback HTTP server (``fixtures.RemoteServer``) that serves its actor and key documents
and signs its POSTs the way that software does. Where each shape comes from is noted by
the function that builds it. The cavage signing here is written out independently of
``federation_server.signatures`` (only the RSA operation comes from ``cryptography``), so
a mistake shared by our signer and our verifier would not hide.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Sequence
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from federation_server import keys
from federation_server.signatures import sign_request_rfc9421
from tests.federation.fixtures import RemoteServer

AS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"
PUBLIC = f"{AS}#Public"
AP = "application/activity+json"

#: Mastodon's actor ``@context`` (app/serializers/activitypub/actor_serializer.rb and
#: app/lib/activitypub/adapter.rb, Mastodon 4.x).
MASTODON_ACTOR_CONTEXT: list[Any] = [
    AS,
    SECURITY,
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "featuredTags": {"@id": "toot:featuredTags", "@type": "@id"},
        "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
        "movedTo": {"@id": "as:movedTo", "@type": "@id"},
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
        "discoverable": "toot:discoverable",
        "suspended": "toot:suspended",
        "memorial": "toot:memorial",
        "indexable": "toot:indexable",
        "attributionDomains": {"@id": "toot:attributionDomains", "@type": "@id"},
        "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
    },
]


class Peer:
    """One remote account on a loopback server, with the key it signs with."""

    def __init__(self, server: RemoteServer, path: str, key_id_suffix: str = "#main-key") -> None:
        self.server = server
        self.base = server.base
        self.host = urlsplit(server.base).netloc
        self.id = f"{server.base}{path}"
        self.key_id = f"{self.id}{key_id_suffix}"
        self.inbox = f"{self.id}/inbox"
        self.shared_inbox = f"{server.base}/inbox"
        self.private_key = keys.generate_private_key()
        self.public_pem = keys.public_key_pem(self.private_key)

    def serve(self, path: str, document: dict[str, Any]) -> None:
        self.server.documents[path] = document

    @property
    def path(self) -> str:
        return self.id.removeprefix(self.base)


# --- actor and key documents -------------------------------------------------------------


def mastodon_actor(peer: Peer, username: str) -> dict[str, Any]:
    """A Mastodon 4.x Person, field for field as ActivityPub::ActorSerializer renders it."""
    return {
        "@context": MASTODON_ACTOR_CONTEXT,
        "id": peer.id,
        "type": "Person",
        "following": f"{peer.id}/following",
        "followers": f"{peer.id}/followers",
        "inbox": peer.inbox,
        "outbox": f"{peer.id}/outbox",
        "featured": f"{peer.id}/collections/featured",
        "featuredTags": f"{peer.id}/collections/tags",
        "preferredUsername": username,
        "name": "Alice Appleby",
        "summary": "<p>Orchards, cider, co-ops.</p>",
        "url": f"{peer.base}/@{username}",
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": True,
        "published": "2023-01-09T00:00:00Z",
        "memorial": False,
        "devices": f"{peer.id}/collections/devices",
        "publicKey": {"id": peer.key_id, "owner": peer.id, "publicKeyPem": peer.public_pem},
        "tag": [],
        "attachment": [{"type": "PropertyValue", "name": "Web", "value": "orchard.example"}],
        "endpoints": {"sharedInbox": peer.shared_inbox},
        "icon": {"type": "Image", "mediaType": "image/png", "url": f"{peer.base}/avatar.png"},
    }


def gotosocial_stub_key(peer: Peer, username: str) -> dict[str, Any]:
    """What GoToSocial serves at its keyId ``/users/<name>/main-key`` (no fragment): a stub
    of the actor holding only the key; the full actor is at ``owner`` (GoToSocial docs,
    docs/federation/federating_with_gotosocial/http_signatures.md, "Quirks")."""
    return {
        "@context": [SECURITY, AS],
        "id": peer.id,
        "preferredUsername": username,
        "publicKey": {"id": peer.key_id, "owner": peer.id, "publicKeyPem": peer.public_pem},
        "type": "Person",
    }


def plain_actor(peer: Peer, username: str, kind: str = "Person", **extra: Any) -> dict[str, Any]:
    """A minimal actor as Fedify, Pleroma/Akkoma, Misskey and GoToSocial serve it (their
    extra fields do not matter to us)."""
    return {
        "@context": [AS, SECURITY],
        "id": peer.id,
        "type": kind,
        "preferredUsername": username,
        "inbox": peer.inbox,
        "outbox": f"{peer.id}/outbox",
        "followers": f"{peer.id}/followers",
        "endpoints": {"sharedInbox": peer.shared_inbox},
        "publicKey": {"id": peer.key_id, "owner": peer.id, "publicKeyPem": peer.public_pem},
        **extra,
    }


# --- signing as each server does ----------------------------------------------------------


def cavage_post(
    peer: Peer,
    url: str,
    activity: dict[str, Any],
    *,
    signed: Sequence[str],
    algorithm: str,
    user_agent: str,
) -> tuple[bytes, dict[str, str]]:
    """A draft-cavage POST signing the headers ``signed`` in that order, with
    ``algorithm`` as the sender writes it (``rsa-sha256`` or ``hs2019``)."""
    body = json.dumps(activity).encode()
    parts = urlsplit(url)
    headers = {
        "Host": parts.netloc,
        "Date": formatdate(usegmt=True),
        "Digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
        "Content-Type": AP,
        "Content-Length": str(len(body)),
        "User-Agent": user_agent,
    }
    lowered = {k.lower(): v for k, v in headers.items()}
    lines = [
        f"(request-target): post {parts.path}" if name == "(request-target)"
        else f"{name}: {lowered[name]}"
        for name in signed
    ]  # fmt: skip
    raw = peer.private_key.sign("\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (
        f'keyId="{peer.key_id}",algorithm="{algorithm}",headers="{" ".join(signed)}",'
        f'signature="{base64.b64encode(raw).decode()}"'
    )
    return body, headers


#: Mastodon 4.x (app/lib/request.rb): rsa-sha256 over every header it sets but User-Agent
#: and Accept-Encoding; this is the set the issue names for Mastodon's inbox POSTs.
MASTODON_SIGNED = ("(request-target)", "host", "date", "digest", "content-type")
#: GoToSocial (docs/federation/http_signatures.md): POSTs sign ``(request-target) host date
#: digest`` with ``algorithm="hs2019"`` (the key is RSA, the hash SHA-256).
GOTOSOCIAL_SIGNED = ("(request-target)", "host", "date", "digest")
#: Pleroma/Akkoma sign an Elixir map of headers, so the names come out sorted
#: (lib/pleroma/signature.ex and ``Pleroma.Web.ActivityPub.Publisher``).
PLEROMA_SIGNED = ("(request-target)", "content-length", "date", "digest", "host")
#: Misskey (packages/backend/src/core/activitypub/ApRequestService.ts):
#: ``['(request-target)', 'date', 'host', 'digest']``.
MISSKEY_SIGNED = ("(request-target)", "date", "host", "digest")


def rfc9421_post(peer: Peer, url: str, activity: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """An RFC 9421 POST as Fedify sends it first (and Mastodon 4.5+ accepts): one signature
    ``sig1`` over ``@method @target-uri @authority host date content-digest`` with
    ``created`` and ``keyid``; ``Content-Digest: sha-256=:…:`` (RFC 9530). Fedify manual,
    "HTTP Message Signatures" (fedify.dev/manual/send), and the reference notes."""
    body = json.dumps(activity).encode()
    base = {"Host": urlsplit(url).netloc, "Date": formatdate(usegmt=True), "Content-Type": AP,
            "User-Agent": "Fedify/1.8.0 (Deno/2.4.0; +https://fedify.example/)"}  # fmt: skip
    components = ("@method", "@target-uri", "@authority", "host", "date", "content-digest")
    headers = sign_request_rfc9421(
        "POST", url, base, body, key_id=peer.key_id, private_key=peer.private_key,
        components=components,
    )  # fmt: skip
    return body, headers


# --- activities exactly as each server sends them ----------------------------------------


def mastodon_follow(peer: Peer, target: str) -> dict[str, Any]:
    """ActivityPub::FollowSerializer: the id is ``<root>/<uuid>`` (a follow request's uri)."""
    return {"@context": AS, "id": f"{peer.base}/{uuid.uuid4()}", "type": "Follow",
            "actor": peer.id, "object": target}  # fmt: skip


def mastodon_undo_follow(peer: Peer, follow: dict[str, Any], n: int) -> dict[str, Any]:
    """ActivityPub::UndoFollowSerializer: ``<actor>#follows/<id>/undo``, the Follow embedded."""
    embedded = {k: v for k, v in follow.items() if k != "@context"}
    return {"@context": AS, "id": f"{peer.id}#follows/{n}/undo", "type": "Undo",
            "actor": peer.id, "object": embedded}  # fmt: skip


def mastodon_like(peer: Peer, object_id: str, n: int) -> dict[str, Any]:
    """ActivityPub::LikeSerializer: ``<actor>#likes/<id>``."""
    return {"@context": AS, "id": f"{peer.id}#likes/{n}", "type": "Like", "actor": peer.id,
            "object": object_id}  # fmt: skip


def mastodon_announce(peer: Peer, object_id: str, author: str, n: int) -> dict[str, Any]:
    """ActivityPub::ActivitySerializer for a reblog: ``<status uri>/activity``, public, cc the
    original author and the booster's followers."""
    return {
        "@context": AS,
        "id": f"{peer.id}/statuses/{n}/activity",
        "type": "Announce",
        "actor": peer.id,
        "published": "2026-11-27T12:00:00Z",
        "to": [PUBLIC],
        "cc": [author, f"{peer.id}/followers"],
        "object": object_id,
    }


def mastodon_delete_actor(peer: Peer) -> dict[str, Any]:
    """ActivityPub::DeleteActorSerializer: ``<actor>#delete``, to Public, object the actor."""
    return {"@context": [AS, SECURITY], "id": f"{peer.id}#delete", "type": "Delete",
            "actor": peer.id, "to": [PUBLIC], "object": peer.id}  # fmt: skip


def gotosocial_follow(peer: Peer, target: str) -> dict[str, Any]:
    """GoToSocial: follow ids are ``<actor>/follow/<ULID>``."""
    return {"@context": AS, "actor": peer.id, "id": f"{peer.id}/follow/01JDQ6B0W1F8Y0K4R2M5X7N9QA",
            "object": target, "type": "Follow"}  # fmt: skip


def fedify_follow(peer: Peer, target: str) -> dict[str, Any]:
    """Fedify apps mint ``<actor>#follows/<uuid>``-style ids; the context includes security."""
    return {"@context": [AS, SECURITY], "id": f"{peer.id}#follows/{uuid.uuid4()}",
            "type": "Follow", "actor": peer.id, "object": target}  # fmt: skip


def pleroma_follow(peer: Peer, target: str, variant: int) -> dict[str, Any]:
    """Pleroma's ``make_follow_data`` (lib/pleroma/web/activity_pub/utils.ex): ``to`` the
    followed actor, ``cc`` Public, ``state: pending``, an ``/activities/<uuid>`` id. Akkoma
    and older Pleroma vary: ``to`` as a bare string, an empty ``cc``, no ``state``."""
    follow: dict[str, Any] = {
        "@context": [AS, f"{peer.base}/schemas/litepub-0.1.jsonld", {"@language": "und"}],
        "id": f"{peer.base}/activities/{uuid.uuid4()}",
        "type": "Follow",
        "actor": peer.id,
        "object": target,
        "to": [target],
        "cc": [PUBLIC],
        "state": "pending",
        "context": f"{peer.base}/contexts/{uuid.uuid4()}",
    }
    if variant == 1:
        follow["to"], follow["cc"] = target, []
        del follow["state"]
    return follow


def misskey_like(peer: Peer, object_id: str) -> dict[str, Any]:
    """Misskey's ``renderLike`` (ApRendererService.ts): a reaction as a Like carrying the
    emoji in ``content`` and ``_misskey_reaction``."""
    return {
        "@context": [AS, SECURITY, {"misskey": "https://misskey-hub.net/ns#",
                                    "_misskey_reaction": "misskey:_misskey_reaction"}],
        "type": "Like",
        "id": f"{peer.base}/likes/9z8y7x6w5v",
        "actor": peer.id,
        "object": object_id,
        "content": "🍎",
        "_misskey_reaction": "🍎",
    }  # fmt: skip
