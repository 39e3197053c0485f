"""``deliver`` as its own process does all background work ``serve`` was told not to do."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from federation_server.db.engine import create_database
from federation_server.db.models import InboxActivity
from tests.federation.fixtures import RemoteServer, verify_as_peer
from tests.federation.processes import Instance, collection_items, eventually, terminate

pytestmark = pytest.mark.slow


async def test_deliver_process_handles_what_the_inbox_stored_and_delivers_the_accept(
    database_url: str, tmp_path: Path, remote: RemoteServer
) -> None:
    blog = Instance(
        "blog",
        database_url,
        tmp_path / "blog.log",
        serve_args=["--no-worker"],
        env={"FEDERATION_RUN_INBOX_PROCESSOR": "0"},
    )
    blog.start()
    database = create_database(database_url)
    try:
        alice = remote.add_actor("alice")
        follow = {"id": f"{alice.id}/follows/1", "type": "Follow", "actor": alice.id,
                  "object": blog.actor_id}  # fmt: skip
        inbox = f"{blog.actor_id}/inbox"
        body, headers = alice.signed(inbox, follow)
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(inbox, content=body, headers=headers)
            assert response.status_code == 202, response.text
            # Stored, and nobody in the serve process handles it.
            async with database.session() as session:
                row = await session.scalar(select(InboxActivity))
            assert row is not None and row.processed_at is None

            worker = blog.spawn_deliver()
            try:
                followers = await eventually(
                    lambda: collection_items(client, f"{blog.actor_id}/followers"),
                    "the deliver process to handle the Follow",
                )
                assert followers == [alice.id]

                async def accept_posts() -> list[tuple[str, dict[str, str], bytes]]:
                    return [p for p in remote.posts if b'"Accept"' in p[2]]

                [(path, got_headers, got_body)] = await eventually(accept_posts, "the Accept")
            finally:
                terminate(worker)
            assert worker.returncode == 0, blog.log.read_text()[-2000:]
        assert path == "/users/alice/inbox"
        accept = json.loads(got_body)
        assert (accept["type"], accept["object"]["id"]) == ("Accept", follow["id"])
        verdict, _ = await verify_as_peer(remote, path, got_headers, got_body)
        assert verdict.ok, verdict.reason
        assert verdict.owner == blog.actor_id
    finally:
        await database.dispose()
        blog.stop()
