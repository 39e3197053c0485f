"""Interoperability evidence without live peers: real-world shapes over real HTTP.

A ``serve`` process runs on loopback; each peer (``tests/federation/peers.py``) is a
loopback server serving its actor and key documents in its software's shape and signing
its POSTs the way that software does. We check what the peer would notice: 202, the
follower stored, an Accept arriving at its inbox that verifies when the peer fetches our
key, likes and boosts counted, Undo and account deletion honoured.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.federation import peers
from tests.federation.fixtures import RemoteServer, manifest, post, verify_as_peer, write_build
from tests.federation.peers import Peer
from tests.federation.processes import AP, Instance, collection_items, eventually

pytestmark = pytest.mark.slow

MASTODON_UA = "http.rb/5.2.0 (Mastodon/4.4.0; +https://mastodon.example/)"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@pytest.fixture
def blog(database_url: str, tmp_path: Path) -> Iterator[Instance]:
    instance = Instance("blog", database_url, tmp_path / "blog.log")
    instance.start()
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture
def servers() -> Iterator[dict[str, RemoteServer]]:
    names = ("mastodon", "gotosocial", "fedify", "pleroma", "misskey")
    opened = {name: RemoteServer().__enter__() for name in names}
    try:
        yield opened
    finally:
        for server in opened.values():
            server.__exit__(None, None, None)


async def _post(client: httpx.AsyncClient, url: str, signed: tuple[bytes, dict[str, str]]) -> int:
    body, headers = signed
    response = await client.post(url, content=body, headers=headers)
    assert response.status_code == 202, response.text
    return response.status_code


async def _verified_accept(blog: Instance, peer: Peer, follow_id: str) -> dict[str, Any]:
    """The Accept of ``follow_id`` that reached the peer's own inbox, checked as the peer
    checks it: fetch our keyId (without fragment) and verify the signature."""

    async def arrived() -> list[tuple[str, dict[str, str], bytes]]:
        return [
            p for p in peer.server.posts
            if json.loads(p[2]).get("type") == "Accept"
            and json.loads(p[2]).get("object", {}).get("id") == follow_id
        ]  # fmt: skip

    [(path, headers, body)] = await eventually(arrived, f"the Accept for {follow_id}")
    assert path == peer.inbox.removeprefix(peer.base)
    verdict, key_document = await verify_as_peer(peer.server, path, headers, body)
    assert verdict.ok, verdict.reason
    assert verdict.owner == blog.actor_id == key_document["id"]
    accept = json.loads(body)
    assert accept["actor"] == blog.actor_id and accept["object"]["actor"] == peer.id
    return accept


async def _counts(client: httpx.AsyncClient, object_id: str) -> tuple[int, int]:
    document = (await client.get(object_id, headers={"Accept": AP})).json()
    return document["likes"]["totalItems"], document["shares"]["totalItems"]


async def test_mastodon_discovers_follows_likes_boosts_unfollows_and_leaves(
    blog: Instance, servers: dict[str, RemoteServer], tmp_path: Path
) -> None:
    alice = Peer(servers["mastodon"], "/users/alice")
    alice.serve(alice.path, peers.mastodon_actor(alice, "alice"))
    inbox, shared = f"{blog.actor_id}/inbox", f"{blog.base}/inbox"

    def signed(activity: dict[str, Any], url: str) -> tuple[bytes, dict[str, str]]:
        return peers.cavage_post(alice, url, activity, signed=peers.MASTODON_SIGNED,
                                 algorithm="rsa-sha256", user_agent=MASTODON_UA)  # fmt: skip

    async with httpx.AsyncClient(timeout=10) as client:
        # Mastodon's lookup: WebFinger, then the actor as JSON-LD.
        host = blog.base.removeprefix("http://")
        finger = await client.get(f"{blog.base}/.well-known/webfinger",
                                  params={"resource": f"acct:blog@{host}"})  # fmt: skip
        self_link = next(link for link in finger.json()["links"] if link["rel"] == "self")
        actor = (await client.get(self_link["href"], headers={"Accept": LD})).json()
        assert actor["id"] == blog.actor_id and actor["preferredUsername"] == "blog"

        follow = peers.mastodon_follow(alice, blog.actor_id)
        await _post(client, inbox, signed(follow, inbox))
        followers = f"{blog.actor_id}/followers"
        assert await eventually(lambda: collection_items(client, followers), "the follower") == [
            alice.id
        ]
        await _verified_accept(blog, alice, follow["id"])

        # A new post reaches Mastodon's shared inbox, signed.
        await blog.publish(write_build(tmp_path / "build", manifest([post("orchard")])))
        object_id = f"{blog.base}/objects/post:orchard"

        async def create_arrived() -> list[tuple[str, dict[str, str], bytes]]:
            return [p for p in alice.server.posts if b'"Create"' in p[2]]

        [(path, headers, body)] = await eventually(create_arrived, "the Create")
        assert path == "/inbox"
        assert (await verify_as_peer(alice.server, path, headers, body))[0].ok
        create = json.loads(body)
        assert create["object"]["id"] == object_id
        assert (create["to"], create["cc"]) == (create["object"]["to"], create["object"]["cc"])

        await _post(client, shared, signed(peers.mastodon_like(alice, object_id, 1), shared))
        announce = peers.mastodon_announce(alice, object_id, blog.actor_id, 1)
        await _post(client, shared, signed(announce, shared))
        assert await eventually(
            lambda: _equal(_counts(client, object_id), (1, 1)), "the like and the boost"
        )

        await _post(client, inbox, signed(peers.mastodon_undo_follow(alice, follow, 1), inbox))
        assert await eventually(lambda: _empty(collection_items(client, followers)), "the Undo")

        # Follows again, then deletes the account: follower, like and boost are gone.
        again = peers.mastodon_follow(alice, blog.actor_id)
        await _post(client, inbox, signed(again, inbox))
        await _verified_accept(blog, alice, again["id"])
        await _post(client, shared, signed(peers.mastodon_delete_actor(alice), shared))
        assert await eventually(
            lambda: _equal(_counts(client, object_id), (0, 0)), "the account deletion"
        )
        assert await collection_items(client, followers) == []


async def test_gotosocial_fedify_pleroma_and_misskey_are_understood(
    blog: Instance, servers: dict[str, RemoteServer], tmp_path: Path
) -> None:
    inbox, shared = f"{blog.actor_id}/inbox", f"{blog.base}/inbox"
    await blog.publish(write_build(tmp_path / "build", manifest([post("orchard")])))
    object_id = f"{blog.base}/objects/post:orchard"

    bea = Peer(servers["gotosocial"], "/users/bea", key_id_suffix="/main-key")
    bea.serve(bea.path, peers.plain_actor(bea, "bea"))
    bea.serve(f"{bea.path}/main-key", peers.gotosocial_stub_key(bea, "bea"))
    fed = Peer(servers["fedify"], "/users/fed")
    fed.serve(fed.path, peers.plain_actor(fed, "fed", "Person", manuallyApprovesFollowers=False))
    cat, dan = Peer(servers["pleroma"], "/users/cat"), Peer(servers["pleroma"], "/users/dan")
    for peer, name in ((cat, "cat"), (dan, "dan")):
        peer.serve(peer.path, peers.plain_actor(peer, name))
    mei = Peer(servers["misskey"], "/users/9abcdefghi")
    mei.serve(mei.path, peers.plain_actor(mei, "mei"))

    async with httpx.AsyncClient(timeout=10) as client:
        gts_follow = peers.gotosocial_follow(bea, blog.actor_id)
        await _post(client, inbox, peers.cavage_post(
            bea, inbox, gts_follow, signed=peers.GOTOSOCIAL_SIGNED, algorithm="hs2019",
            user_agent="gotosocial (+https://gts.example) gotosocial/0.17.0"))  # fmt: skip
        fedify_follow = peers.fedify_follow(fed, blog.actor_id)
        await _post(client, inbox, peers.rfc9421_post(fed, inbox, fedify_follow))
        pleroma_follows = [peers.pleroma_follow(cat, blog.actor_id, 0),
                           peers.pleroma_follow(dan, blog.actor_id, 1)]  # fmt: skip
        for peer, follow in zip((cat, dan), pleroma_follows, strict=True):
            await _post(client, shared, peers.cavage_post(
                peer, shared, follow, signed=peers.PLEROMA_SIGNED, algorithm="rsa-sha256",
                user_agent="Pleroma 2.7.0; https://pleroma.example"))  # fmt: skip
        await _post(client, shared, peers.cavage_post(
            mei, shared, peers.misskey_like(mei, object_id), signed=peers.MISSKEY_SIGNED,
            algorithm="rsa-sha256", user_agent="Misskey/2025.1.0 (https://mk.ex)"))  # fmt: skip

        for peer, follow in ((bea, gts_follow), (fed, fedify_follow),
                             (cat, pleroma_follows[0]), (dan, pleroma_follows[1])):  # fmt: skip
            await _verified_accept(blog, peer, follow["id"])
        followers = await collection_items(client, f"{blog.actor_id}/followers")
        assert sorted(followers) == sorted([bea.id, fed.id, cat.id, dan.id])
        # GoToSocial's keyId is a stub of the actor: the key came from it, the inbox from owner.
        assert ("GET", "/users/bea/main-key") in bea.server.requests
        assert ("GET", "/users/bea") in bea.server.requests
        assert await eventually(lambda: _equal(_counts(client, object_id), (1, 0)), "the reaction")


async def _equal(awaitable: Any, expected: Any) -> bool:
    return await awaitable == expected


async def _empty(awaitable: Any) -> bool:
    return not await awaitable
