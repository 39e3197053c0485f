"""The inbox's write: an accepted activity stored once, the processor woken only for a new one
(after the first request from a sender, the insert alone: on PostgreSQL on the driver)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from federation_server.context import Context
from federation_server.db.base import utcnow
from federation_server.db.models import InboxActivity
from federation_server.services.inbox import receive
from tests.federation.conftest import BASE_URL
from tests.federation.fixtures import RemoteServer

BLOG = f"{BASE_URL}/actors/blog"
INBOX = f"{BASE_URL}/actors/blog/inbox"


def _follow(actor_id: str, n: int) -> dict[str, Any]:
    return {"id": f"{actor_id}/follows/{n}", "type": "Follow", "actor": actor_id, "object": BLOG}


async def test_an_activity_sent_twice_is_stored_and_wakes_the_processor_once(
    ctx: Context, remote: RemoteServer
) -> None:
    alice = remote.add_actor("alice")

    async def deliver(activity: dict[str, Any]) -> bool:
        body, headers = alice.signed(INBOX, activity)
        ctx.inbox_wake.clear()
        stored = await receive(
            ctx,
            inbox_owner="blog",
            method="POST",
            target="/actors/blog/inbox",
            headers=headers,
            body=body,
        )
        assert ctx.inbox_wake.is_set() == stored
        return stored

    # The first fetches alice's key and stores it with the activity in one transaction; the
    # others, her key known, are the insert alone.
    assert await deliver(_follow(alice.id, 1))
    assert await deliver(_follow(alice.id, 2))
    assert not await deliver(_follow(alice.id, 2))
    assert not await deliver(_follow(alice.id, 1))
    async with ctx.database.session() as session:
        rows = (await session.scalars(select(InboxActivity).order_by(InboxActivity.id))).all()
    assert [(r.activity_id, r.activity_type, r.actor_uri, r.object_id, r.inbox_owner)
            for r in rows] == [(f"{alice.id}/follows/{n}", "Follow", alice.id, BLOG, "blog")
                               for n in (1, 2)]  # fmt: skip
    assert rows[1].activity_json == _follow(alice.id, 2)
    assert rows[1].received_at > utcnow() - timedelta(minutes=1)
