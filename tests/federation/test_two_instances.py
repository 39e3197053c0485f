"""The acceptance test: two instances as real processes federating over loopback.

A has actor ``alice``, B has actor ``bob``. alice follows bob with a Follow signed by her
key; B answers with a signed Accept through its delivery queue. B publishes, edits and
deletes a post from a build folder with the real ``publish`` command; A receives Create,
Update and Delete, each verified. Then A is stopped, B publishes, A comes back: the queued
delivery is retried and arrives.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from federation_server.db.engine import Database, create_database
from federation_server.db.models import Following, InboxActivity, LocalActor
from federation_server.delivery.models import Delivery, DeliveryActivity
from federation_server.keys import load_private_key
from federation_server.signatures import sign_request
from tests.conftest import POSTGRES_ADMIN_DSN, _run_admin
from tests.federation.fixtures import edited, manifest, post, write_build
from tests.federation.processes import AP, Instance, collection_items, eventually

pytestmark = pytest.mark.slow


@pytest.fixture
def second_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database of the same kind for the second instance."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
        return
    name = f"ra_test_{uuid.uuid4().hex[:12]}"
    _run_admin(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        _run_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def instances(
    database_url: str, second_database_url: str, tmp_path: Path
) -> Iterator[tuple[Instance, Instance]]:
    a = Instance("alice", database_url, tmp_path / "a.log")
    b = Instance("bob", second_database_url, tmp_path / "b.log")
    try:
        a.spawn()
        b.spawn()
        a.wait_ready()
        b.wait_ready()
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture
async def databases(
    instances: tuple[Instance, Instance],
) -> AsyncIterator[tuple[Database, Database]]:
    a, b = instances
    db_a, db_b = create_database(a.database_url), create_database(b.database_url)
    try:
        yield db_a, db_b
    finally:
        await db_a.dispose()
        await db_b.dispose()


async def received(db: Database, kind: str, object_id: str) -> list[InboxActivity]:
    async with db.session() as session:
        rows = await session.scalars(
            select(InboxActivity).where(
                InboxActivity.activity_type == kind, InboxActivity.object_id == object_id
            )
        )
        return list(rows.all())


async def finished_deliveries(db: Database, activity_id: str | None) -> list[Delivery]:
    """B's deliveries of one activity, once none of them is still pending."""
    async with db.session() as session:
        rows = (
            await session.scalars(
                select(Delivery)
                .join(DeliveryActivity, Delivery.activity_pk == DeliveryActivity.id)
                .where(DeliveryActivity.activity_id == activity_id)
            )
        ).all()
    return list(rows) if rows and all(row.status != "pending" for row in rows) else []


async def test_two_instances_follow_publish_edit_delete_and_retry(
    instances: tuple[Instance, Instance], databases: tuple[Database, Database], tmp_path: Path
) -> None:
    a, b = instances
    db_a, db_b = databases
    async with httpx.AsyncClient(timeout=10) as client:
        # alice follows bob: a Follow signed with alice's key, POSTed to bob's inbox.
        async with db_a.session() as session:
            alice = await session.scalar(select(LocalActor).where(LocalActor.name == "alice"))
        follow = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{a.base}/activities/follow-bob",
            "type": "Follow",
            "actor": a.actor_id,
            "object": b.actor_id,
        }
        body = json.dumps(follow).encode()
        inbox = f"{b.actor_id}/inbox"
        headers = sign_request(
            "POST", inbox, {"Content-Type": AP}, body,
            key_id=f"{a.actor_id}#main-key",
            private_key=load_private_key(alice.private_key_pem),
        )  # fmt: skip
        response = await client.post(inbox, content=body, headers=headers)
        assert response.status_code == 202, response.text

        # B answers at once and processes the Follow right after.
        async def bob_followers() -> list[Any]:
            return await collection_items(client, f"{b.actor_id}/followers")

        assert await eventually(bob_followers, "bob's followers") == [a.actor_id]
        # The Accept went to alice alone: the public outbox does not list it.
        assert await collection_items(client, f"{b.actor_id}/outbox") == []

        async def alice_follows_bob() -> bool:
            async with db_a.session() as session:
                row = await session.scalar(select(Following))
            return row is not None and row.accepted and row.target_uri == b.actor_id

        await eventually(alice_follows_bob, "A to record the Accept")
        accepts = await received(db_a, "Accept", follow["id"])
        assert [row.actor_uri for row in accepts] == [b.actor_id]
        assert await collection_items(client, f"{a.actor_id}/following") == [b.actor_id]

        # bob publishes a post: A receives one verified Create.
        build = tmp_path / "build"
        first = post("first-light", "First light", section="bob")
        assert "1 created" in b.publish_command(write_build(build, manifest([first])))
        object_id = f"{b.base}/objects/post:first-light"
        creates = await eventually(lambda: received(db_a, "Create", object_id), "the Create")
        assert len(creates) == 1
        assert "<strong>First light</strong>" in creates[0].activity_json["object"]["content"]
        assert creates[0].actor_uri == b.actor_id
        deliveries = await eventually(
            lambda: finished_deliveries(db_b, creates[0].activity_id), "B to record the delivery"
        )
        # One delivery (one shared inbox), POSTed once.
        assert [(d.status, d.attempts) for d in deliveries] == [("delivered", 1)]

        # Publishing the same build again sends nothing.
        assert "0 created, 0 updated, 0 deleted" in await b.publish(build)

        # An edit is an Update of the same object, carrying ``updated``.
        retitled = edited(first, name="First light, revised")
        assert "1 updated" in await b.publish(write_build(build, manifest([retitled])))
        updates = await eventually(lambda: received(db_a, "Update", object_id), "the Update")
        assert updates[0].activity_json["object"]["id"] == object_id
        assert "First light, revised" in updates[0].activity_json["object"]["content"]
        assert updates[0].activity_json["object"]["updated"]
        # The outbox still holds one post: its Create, showing the object as edited.
        outbox = await collection_items(client, f"{b.actor_id}/outbox")
        assert [i["type"] for i in outbox] == ["Create"]
        assert "First light, revised" in outbox[0]["object"]["content"]

        # Removing it sends a Delete with a Tombstone.
        assert "1 deleted" in await b.publish(write_build(build, manifest([])))
        deletes = await eventually(lambda: received(db_a, "Delete", object_id), "the Delete")
        assert deletes[0].activity_json["object"]["type"] == "Tombstone"
        gone = await client.get(object_id, headers={"Accept": AP})
        assert gone.status_code == 410
        assert await collection_items(client, f"{b.actor_id}/outbox") == []

        # A is down while bob publishes: the delivery is retried once A is back.
        a.stop()
        second = post("second-light", "Second light", section="bob")
        assert "1 created" in await b.publish(write_build(build, manifest([second])))
        second_id = f"{b.base}/objects/post:second-light"

        async def failed_once() -> bool:
            async with db_b.session() as session:
                rows = (
                    await session.scalars(
                        select(Delivery.attempts).where(Delivery.status == "pending")
                    )
                ).all()
            return any(attempts >= 1 for attempts in rows)

        await eventually(failed_once, "B to fail delivering to the stopped A")
        assert await received(db_a, "Create", second_id) == []
        a.start()
        retried = await eventually(lambda: received(db_a, "Create", second_id), "the retry")
        assert len(retried) == 1
        deliveries = await eventually(
            lambda: finished_deliveries(db_b, retried[0].activity_id), "B to record the retry"
        )
        assert len(deliveries) == 1
        assert deliveries[0].status == "delivered" and deliveries[0].attempts >= 2
