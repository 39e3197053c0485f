"""Every activity kind we deliver, read as a JSON-LD processor (Fedify's) reads it.

A follower follows ``blog`` and ``events``; then the server accepts, publishes a post, an
event and a product, edits one, deletes one and changes a profile. Each body the delivery
queue will POST (the exact bytes) must expand to the same activity: nothing dropped, no
term a receiver cannot place, the actor visible, and keys only where the security context is.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from federation_server.context import Context
from federation_server.delivery.models import DeliveryActivity
from federation_server.manifest import load_manifest
from federation_server.services.publish import publish_manifest
from tests.federation import ld
from tests.federation.conftest import BASE_URL, Send
from tests.federation.fixtures import RemoteServer, edited, event, manifest, post, product
from tests.federation.fixtures import write_build as _write

SEC = "https://w3id.org/security#"
TOOT = "http://joinmastodon.org/ns#"


async def _publish(ctx: Context, tmp_path: Path, objects: list[dict], actors=None) -> None:
    build = _write(tmp_path / "build", manifest(objects, actors))
    await publish_manifest(ctx, load_manifest(build / "_data" / "activitystreams.json"))


async def _bodies(ctx: Context) -> list[dict]:
    async with ctx.database.session() as session:
        rows = await session.scalars(select(DeliveryActivity.body).order_by(DeliveryActivity.id))
        return [json.loads(body) for body in rows.all()]


def _kind(body: dict) -> str:
    obj = body["object"]
    inner = obj.get("type") if isinstance(obj, dict) else "link"
    return f"{body['type']} {inner}"


async def test_each_delivered_activity_expands_to_itself(
    ctx: Context, remote: RemoteServer, send: Send, tmp_path: Path
) -> None:
    alice = remote.add_actor("alice")
    for name in ("blog", "events"):
        follow = {
            "@context": ["https://www.w3.org/ns/activitystreams", {"toot": TOOT}],
            "id": f"{alice.id}/follows/{name}",
            "type": "Follow",
            "actor": alice.id,
            "object": f"{BASE_URL}/actors/{name}",
        }
        assert (await send(alice, follow)).status_code == 202
    first, fair, honey = post("spring-open-day"), event(), product(section="blog")
    await _publish(ctx, tmp_path, [first, fair, honey])
    await _publish(ctx, tmp_path, [edited(first, name="New title"), fair])  # Update, Delete
    profile = [{"name": "blog", "display_name": "Rose Ash blog", "summary": "News."}]
    await _publish(ctx, tmp_path, [edited(first, name="New title"), fair], profile)

    bodies = await _bodies(ctx)
    kinds = sorted(_kind(b) for b in bodies)
    assert kinds == sorted(
        ["Accept Follow", "Accept Follow", "Create Note", "Create Event", "Create Note",
         "Update Note", "Delete Tombstone", "Update Service"]
    )  # fmt: skip
    for body in bodies:
        expanded = ld.assert_reads_as_itself(body)[0]
        assert expanded[ld.AS + "actor"][0]["@id"] == body["actor"]  # Fedify: "Missing actor"
        assert expanded["@type"] == [ld.AS + body["type"]]
        inner = expanded[ld.AS + "object"][0]
        has_key = SEC + "publicKey" in inner
        assert has_key == (_kind(body) == "Update Service"), _kind(body)
        assert ("https://w3id.org/security/v1" in body["@context"]) == has_key
        if body["type"] == "Accept":  # the Follow it answers, as Mastodon and Fedify match it
            assert inner["@id"] in {f"{alice.id}/follows/blog", f"{alice.id}/follows/events"}
            assert inner[ld.AS + "actor"][0]["@id"] == alice.id
    key = next(b for b in bodies if _kind(b) == "Update Service")["object"]["publicKey"]
    assert key["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


def test_a_body_without_context_is_what_receivers_refused() -> None:
    """The check itself: the bare body of before (no @context) expands to nothing."""
    bare = {"id": "https://s.example/a/1", "type": "Create", "actor": "https://s.example/u",
            "object": {"id": "https://s.example/o/1", "type": "Note"}}  # fmt: skip
    assert ld.expand(bare) == []
