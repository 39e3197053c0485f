"""The delivery queue end to end: real HTTP to a loopback receiver that verifies signatures.

Each test runs on SQLite and PostgreSQL (``database_url``). The worker's clock is injected
so retries can be made due without waiting; the HTTP signatures use the real time, and the
receiver checks them with our own verifier.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from federation_server.db.engine import Database, create_database
from federation_server.db.migrate import upgrade_engine
from federation_server.db.models import Follower, LocalActor
from federation_server.delivery import AiohttpSender, HostHealth, HttpxSender, Worker, enqueue
from federation_server.delivery.models import Delivery, HostState
from federation_server.keys import generate_private_key, private_key_to_pem, public_key_pem
from federation_server.net import guarded_client, guarded_session
from federation_server.signatures import PublicKeyInfo, verify_request
from tests.conftest import REPO_ROOT
from tests.federation.test_net import serve_in_thread
from tests.private_postgres import PrivatePostgres, private_postgres

__all__ = ["private_postgres"]  # the fixture

ACTOR = "https://rose-ash.example.coop/actors/blog"
KEY_ID = ACTOR + "#main-key"
PRIVATE_KEY = generate_private_key()


async def _key(key_id: str, *, refresh: bool) -> PublicKeyInfo | None:
    if key_id != KEY_ID:
        return None
    return PublicKeyInfo(pem=public_key_pem(PRIVATE_KEY), owner=ACTOR)


@dataclass
class Received:
    path: str
    ok: bool
    reason: str
    content_type: str
    activity_id: str
    context: Any = None


@dataclass
class Receiver:
    """A minimal inbox server: verifies every signature, answers as scripted per path."""

    received: list[Received] = field(default_factory=list)
    #: path -> statuses to answer in turn (then 202).
    script: dict[str, list[int]] = field(default_factory=dict)
    response_headers: dict[str, list[tuple[bytes, bytes]]] = field(default_factory=dict)
    #: path -> the body answered there (e.g. a peer's error message).
    bodies: dict[str, bytes] = field(default_factory=dict)
    #: Requests to paths under /slow/ take this long; the most seen at once is recorded.
    slow_seconds: float = 0.05
    in_flight: int = 0
    max_in_flight: int = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        slow = scope["path"].startswith("/slow/")
        if slow:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            await asyncio.sleep(self.slow_seconds)
        headers = [(k.decode(), v.decode()) for k, v in scope["headers"]]
        verdict = await verify_request(
            scope["method"],
            scope["path"],
            headers,
            body,
            key_lookup=_key,
            default_scheme="http",
        )
        path = scope["path"]
        self.received.append(
            Received(
                path,
                verdict.ok,
                verdict.reason,
                dict(headers).get("content-type", ""),
                json.loads(body).get("id", ""),
                json.loads(body).get("@context"),
            )
        )
        if slow:  # counted until recorded, so a test can wait for it to land
            self.in_flight -= 1
        statuses = self.script.get(path) or []
        status = statuses.pop(0) if statuses else (202 if verdict.ok else 401)
        extra = self.response_headers.get(path, [])
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": self.bodies.get(path, b"")})

    def paths(self) -> list[str]:
        return [r.path for r in self.received]


@pytest.fixture(scope="module")
def receiver_server() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()
    with serve_in_thread(receiver) as url:
        yield receiver, url


@pytest.fixture
def receiver(receiver_server) -> Iterator[Receiver]:
    receiver, _url = receiver_server
    receiver.received.clear()
    receiver.script.clear()
    receiver.response_headers.clear()
    receiver.bodies.clear()
    receiver.max_in_flight = 0
    receiver.slow_seconds = 0.05
    yield receiver
    # A slow request a test gave up on is still being answered (the server runs in its own
    # thread) and would record itself in the next test's list: let it finish here.
    deadline = time.monotonic() + 10
    while receiver.in_flight and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def base_url(receiver_server) -> str:
    return receiver_server[1]


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = create_database(database_url)
    await upgrade_engine(database.engine)
    yield database
    await database.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def make_worker(database: Database, clock: Clock):
    senders: list[Any] = []

    async def resolver(key_id: str) -> Any:
        assert key_id == KEY_ID
        return PRIVATE_KEY

    def make(
        *,
        allow_private: bool = True,
        client: str = "aiohttp",
        timeout: float | None = None,
        **options: Any,
    ) -> Worker:
        net: dict[str, Any] = {"allow_private_addresses": allow_private}
        if timeout is not None:
            net["timeout"] = timeout
        if client == "httpx":
            sender: Any = HttpxSender(guarded_client(**net))
        else:
            sender = AiohttpSender(guarded_session(**net))
        senders.append(sender)
        return Worker(
            database,
            sender=sender,
            key_resolver=resolver,
            clock=clock,
            rand=lambda: 0.5,
            **options,
        )

    yield make
    for sender in senders:
        await sender.aclose()


def activity(n: int = 1) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{ACTOR}/activities/{n}",
        "type": "Create",
        "actor": ACTOR,
        "object": {"id": f"{ACTOR}/objects/{n}", "type": "Note", "content": "<p>Hello</p>"},
    }


async def queue(
    database: Database, clock: Clock, recipients: list[Any], item: dict[str, Any] | None = None
) -> int:
    async with database.session() as session, session.begin():
        return await enqueue(session, item or activity(), KEY_ID, recipients, now=clock())


async def jobs(database: Database) -> list[Delivery]:
    async with database.session() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def add_blog_actor(database: Database) -> None:
    """Our blog actor with the key the receiver trusts (a worker process signs with it)."""
    async with database.session() as session, session.begin():
        session.add(
            LocalActor(
                name="blog",
                private_key_pem=private_key_to_pem(PRIVATE_KEY),
                public_key_pem=public_key_pem(PRIVATE_KEY),
            )
        )


def start_deliver(database_url: str, **env: str) -> subprocess.Popen[bytes]:
    """``python -m federation_server deliver`` as its own process on ``database_url``."""
    return subprocess.Popen(
        [sys.executable, "-m", "federation_server", "deliver"],
        env=os.environ
        | {
            "DATABASE_URL": database_url,
            "PUBLIC_URL": "https://rose-ash.example.coop",
            "FEDERATION_ALLOW_PRIVATE_ADDRESSES": "1",
            **env,
        },
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("client", ["aiohttp", "httpx"])
async def test_fan_out_groups_followers_by_shared_inbox_and_signs_every_post(
    database, make_worker, receiver, base_url, clock, client
):
    followers = [
        {"inbox": f"{base_url}/users/a/inbox", "shared_inbox": f"{base_url}/shared"},
        {"inbox": f"{base_url}/users/b/inbox", "shared_inbox": f"{base_url}/shared"},
        {"inbox": f"{base_url}/users/c/inbox", "shared_inbox": f"{base_url}/shared"},
        {"inbox": f"{base_url}/users/d/inbox", "shared_inbox": None},
        f"{base_url}/users/e/inbox",
    ]
    assert await queue(database, clock, followers) == 3
    assert await queue(database, clock, followers) == 0, "the same activity is never queued twice"
    report = await make_worker(client=client).run_once()
    assert (report.claimed, report.delivered) == (3, 3)
    assert sorted(receiver.paths()) == ["/shared", "/users/d/inbox", "/users/e/inbox"]
    assert all(r.ok for r in receiver.received), [r.reason for r in receiver.received]
    assert {r.content_type for r in receiver.received} == {"application/activity+json"}
    assert {r.activity_id for r in receiver.received} == {activity()["id"]}
    assert (await make_worker().run_once()).claimed == 0


async def test_every_delivered_body_carries_the_activitystreams_context(
    database, make_worker, receiver, base_url, clock
):
    # Builders hand the queue plain dicts; Mastodon drops and Fedify refuses a body without
    # the ActivityStreams @context, so the queue must add it whatever it is given.
    bare = {k: v for k, v in activity(7).items() if k != "@context"}
    assert await queue(database, clock, [f"{base_url}/users/a/inbox"], bare) == 1
    assert (await make_worker().run_once()).delivered == 1
    (received,) = receiver.received
    assert received.ok, received.reason
    assert "https://www.w3.org/ns/activitystreams" in received.context
    # the security context only where a key appears (actor documents and actor Updates)
    assert "https://w3id.org/security/v1" not in received.context


async def test_server_error_is_retried_after_backoff(
    database, make_worker, receiver, base_url, clock
):
    receiver.script["/flaky"] = [500]
    await queue(database, clock, [f"{base_url}/flaky"])
    worker = make_worker()
    first = await worker.run_once()
    assert (first.delivered, first.retrying) == (0, 1)
    assert (await worker.run_once()).claimed == 0, "not due before its backoff"
    clock.advance(16 + 0.5 * 60 + 1)  # 1^4 + 15 + jitter (0.5 * 30 * 2)
    second = await worker.run_once()
    assert second.delivered == 1
    assert receiver.paths() == ["/flaky", "/flaky"]
    [job] = await jobs(database)
    assert (job.status, job.attempts) == ("delivered", 2)


async def test_client_error_is_not_retried(database, make_worker, receiver, base_url, clock):
    receiver.script["/refuses"] = [400]
    await queue(database, clock, [f"{base_url}/refuses"])
    worker = make_worker()
    assert (await worker.run_once()).failed == 1
    clock.advance(7 * 24 * 3600)
    assert (await worker.run_once()).claimed == 0
    assert receiver.paths() == ["/refuses"]
    [job] = await jobs(database)
    assert (job.status, job.last_status) == ("failed", 400)


async def test_gone_inbox_removes_its_follower(database, make_worker, receiver, base_url, clock):
    async with database.session() as session, session.begin():
        session.add(LocalActor(name="blog", private_key_pem="-", public_key_pem="-"))
        await session.flush()
        session.add_all(
            [
                Follower(
                    actor_name="blog", follower_uri="https://x/u/gone", inbox=f"{base_url}/gone"
                ),
                Follower(actor_name="blog", follower_uri="https://x/u/ok", inbox=f"{base_url}/ok"),
            ]
        )
    receiver.script["/gone"] = [410]
    async with database.session() as session:
        followers = list((await session.scalars(select(Follower))).all())
    await queue(database, clock, followers)
    report = await make_worker().run_once()
    assert (report.delivered, report.gone) == (1, 1)
    async with database.session() as session:
        remaining = (await session.scalars(select(Follower.follower_uri))).all()
    assert remaining == ["https://x/u/ok"]


async def test_retry_after_is_honoured(database, make_worker, receiver, base_url, clock):
    receiver.script["/busy"] = [429]
    receiver.response_headers["/busy"] = [(b"retry-after", b"3600")]
    await queue(database, clock, [f"{base_url}/busy"])
    worker = make_worker()
    assert (await worker.run_once()).retrying == 1
    clock.advance(600)  # well past the normal first backoff
    assert (await worker.run_once()).claimed == 0
    clock.advance(3001)
    assert (await worker.run_once()).delivered == 1


async def test_a_killed_worker_loses_nothing(database, make_worker, receiver, base_url, clock):
    """A worker claims a fan-out and dies; once its lease expires another delivers it all."""
    inboxes = [f"{base_url}/users/{n}/inbox" for n in range(12)]
    await queue(database, clock, inboxes)
    dead = make_worker(batch_size=8, lease_seconds=300)
    async with database.session() as session, session.begin():
        from federation_server.delivery._queue import claim

        taken = await claim(session, worker_id="dead", now=clock(), lease_seconds=300, limit=8)
    assert len(taken) == 8  # ...and the process is killed before it sends anything
    survivor = make_worker(lease_seconds=300)
    assert (await survivor.run_once()).delivered == 4, "only the jobs nobody holds"
    assert (await dead.run_once()).claimed == 0, "leased jobs are not taken twice"
    clock.advance(301)
    assert (await survivor.run_once()).delivered == 8
    assert sorted(receiver.paths()) == sorted(f"/users/{n}/inbox" for n in range(12))
    assert all(job.status == "delivered" for job in await jobs(database))


async def test_workers_running_at_once_never_take_the_same_job(
    database, make_worker, receiver, base_url, clock
):
    await queue(database, clock, [f"{base_url}/users/{n}/inbox" for n in range(20)])
    workers = [make_worker(batch_size=4) for _ in range(3)]
    for _ in range(10):
        reports = await asyncio.gather(*(w.run_once() for w in workers))
        if not any(r.claimed for r in reports):
            break
    assert sorted(receiver.paths()) == sorted(f"/users/{n}/inbox" for n in range(20))


async def test_jobs_held_back_for_a_week_expire(database, make_worker, receiver, base_url, clock):
    await queue(database, clock, [f"{base_url}/held"])
    async with database.session() as session, session.begin():
        session.add(HostState(host=base_url.split("//")[1], unavailable=True, failure_days=[]))
    async with database.session() as session, session.begin():
        state = await session.get(HostState, base_url.split("//")[1])
        state.open_until = clock() + timedelta(days=30)
    worker = make_worker()
    assert (await worker.run_once()).claimed == 0
    clock.advance(8 * 24 * 3600)
    assert (await make_worker().run_once()).failed == 1
    [job] = await jobs(database)
    assert job.status == "failed" and job.last_error == "expired in the queue"
    assert receiver.received == []


async def test_concurrency_per_host_is_bounded(database, make_worker, receiver, base_url, clock):
    await queue(database, clock, [f"{base_url}/slow/{n}" for n in range(12)])
    report = await make_worker(concurrency=32, per_host=3).run_once()
    assert report.delivered == 12
    assert 1 < receiver.max_in_flight <= 3


async def test_a_worker_process_killed_mid_fan_out_loses_nothing(
    database, database_url, make_worker, receiver, base_url, clock
):
    """``python -m federation_server deliver`` is SIGKILLed mid-fan-out; nothing is lost."""
    await add_blog_actor(database)
    inboxes = [f"{base_url}/slow/{n}" for n in range(40)]
    await queue(database, clock, inboxes)
    receiver.slow_seconds = 0.2
    proc = start_deliver(database_url)
    try:
        deadline = time.monotonic() + 60
        while len(receiver.received) < 8 and time.monotonic() < deadline and proc.poll() is None:
            await asyncio.sleep(0.01)
    finally:
        proc.kill()
        proc.wait()
    sent_before_the_kill = set(receiver.paths())
    assert 8 <= len(sent_before_the_kill) < len(inboxes), "killed mid-fan-out"
    assert all(job.status == "pending" for job in await jobs(database))
    clock.advance(400)  # well past the dead worker's 300-second leases (taken on its clock)
    survivor = make_worker()
    for _ in range(5):
        if (await survivor.run_once()).claimed == 0:
            break
    assert set(receiver.paths()) == {f"/slow/{n}" for n in range(40)}
    assert all(job.status == "delivered" for job in await jobs(database))
    assert all(r.ok for r in receiver.received)


async def test_a_hanging_inbox_times_out_without_holding_up_the_fan_out(
    database, make_worker, receiver, base_url, clock
):
    """One inbox of a fan-out answers only after the worker's timeout: the others are
    delivered at once, the hanging one is retried after its backoff and then delivered. (The
    first POST may have reached it: at-least-once, receivers drop a repeated activity id.)"""
    receiver.slow_seconds = 3.0
    await queue(
        database, clock, [f"{base_url}/slow/hangs", *(f"{base_url}/ok/{n}" for n in range(4))]
    )
    worker = make_worker(timeout=0.5)
    first = await worker.run_once()
    assert (first.delivered, first.retrying) == (4, 1)
    [hung] = [job for job in await jobs(database) if job.status != "delivered"]
    assert (hung.status, hung.last_status) == ("pending", None)
    receiver.slow_seconds = 0.0
    clock.advance(16 + 0.5 * 60 + 1)
    assert (await worker.run_once()).delivered == 1
    assert all(job.status == "delivered" for job in await jobs(database))
    assert {p for p in receiver.paths()} == {"/slow/hangs", *(f"/ok/{n}" for n in range(4))}


@pytest.mark.parametrize("client", ["aiohttp", "httpx"])
async def test_a_redirect_to_a_private_address_is_not_followed(
    database, make_worker, receiver, base_url, clock, client
):
    """An inbox answering 307 to a private address: the worker never follows (a delivery is
    one POST to the inbox on record) and treats it as a failure to retry, as Mastodon does."""
    receiver.script["/moved"] = [307]
    receiver.response_headers["/moved"] = [(b"location", f"{base_url}/private/inbox".encode())]
    await queue(database, clock, [f"{base_url}/moved"])
    report = await make_worker(client=client).run_once()
    assert (report.delivered, report.retrying) == (0, 1)
    assert receiver.paths() == ["/moved"], "the redirect was followed"
    [job] = await jobs(database)
    assert (job.status, job.last_status) == ("pending", 307)


async def test_the_worker_process_carries_on_after_postgresql_restarts(
    private_postgres: PrivatePostgres, receiver, base_url
):
    """``python -m federation_server deliver`` on a private cluster that restarts (every
    connection cut) between two fan-outs: the same process delivers the second one by
    itself, each Create once."""
    database = create_database(private_postgres.url)
    await upgrade_engine(database.engine)
    await add_blog_actor(database)
    clock = Clock()
    await queue(database, clock, [f"{base_url}/before/{n}" for n in range(8)], activity(1))
    proc = start_deliver(private_postgres.url, FEDERATION_DELIVERY_POLL_SECONDS="0.2")

    async def settled(count: int) -> list[Delivery]:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            found = await jobs(database)
            if len(found) == count and all(job.status == "delivered" for job in found):
                return found
            await asyncio.sleep(0.1)
        raise AssertionError(f"the worker did not deliver {count} jobs: {await jobs(database)}")

    try:
        await settled(8)
        await database.dispose()
        await asyncio.to_thread(private_postgres.restart)
        await queue(database, clock, [f"{base_url}/after/{n}" for n in range(8)], activity(2))
        await settled(16)
        assert proc.poll() is None, "the worker exited"
    finally:
        proc.kill()
        proc.wait()
        await database.dispose()
    sent = Counter((r.path, r.activity_id) for r in receiver.received)
    assert set(sent.values()) == {1} and len(sent) == 16
    assert all(r.ok for r in receiver.received)


async def test_breaker_holds_back_a_failing_host(database, make_worker, receiver, base_url, clock):
    receiver.script["/down"] = [503] * 3
    await queue(database, clock, [f"{base_url}/down"], activity(1))
    await queue(database, clock, [f"{base_url}/down"], activity(2))
    await queue(database, clock, [f"{base_url}/down"], activity(3))
    worker = make_worker(batch_size=1, health=HostHealth(failure_threshold=2, open_seconds=3600))
    assert (await worker.run_once()).retrying == 1
    assert (await worker.run_once()).retrying == 1
    assert (await worker.run_once()).claimed == 0, "the breaker is open: nothing is tried"
    assert len(receiver.received) == 2
    async with database.session() as session:
        state = await session.get(HostState, base_url.split("//")[1])
    assert state is not None and state.consecutive_failures == 2
    clock.advance(3601)
    assert (await worker.run_once()).retrying == 1  # half-open: one more try, still failing
    clock.advance(3601)
    assert (await worker.run_once()).delivered == 1
    async with database.session() as session:
        state = await session.get(HostState, base_url.split("//")[1])
    assert state is not None and state.consecutive_failures == 0


async def test_a_host_whose_breaker_closes_gets_one_probe_first(
    database, make_worker, receiver, base_url, clock
):
    receiver.script["/down"] = [503] * 5
    for n in range(4):
        await queue(database, clock, [f"{base_url}/down"], activity(n))
    worker = make_worker(health=HostHealth(failure_threshold=2, open_seconds=60))
    assert (await worker.run_once()).retrying == 4
    assert (await worker.run_once()).claimed == 0, "breaker open"
    clock.advance(61)
    assert (await worker.run_once()).claimed == 1, "one probe, still failing"
    assert len(receiver.received) == 5
    clock.advance(61)
    probe = await worker.run_once()
    assert (probe.claimed, probe.delivered) == (1, 1), "one probe, which succeeds"
    assert (await worker.run_once()).delivered == 2, "then the rest at once"
    clock.advance(120)
    assert (await worker.run_once()).delivered == 1
    assert all(job.status == "delivered" for job in await jobs(database))


@pytest.mark.parametrize("client", ["aiohttp", "httpx"])
async def test_ssrf_guard_refuses_loopback_when_private_addresses_are_not_allowed(
    database, make_worker, receiver, base_url, clock, client
):
    await queue(database, clock, [f"{base_url}/users/a/inbox"])
    report = await make_worker(allow_private=False, client=client).run_once()
    assert report.failed == 1
    assert receiver.received == []
    [job] = await jobs(database)
    assert job.status == "failed" and "not a public address" in (job.last_error or "")


async def test_enqueue_requires_a_stable_activity_id(database):
    async with database.session() as session:
        with pytest.raises(ValueError, match="stable id"):
            await enqueue(session, {"type": "Create"}, KEY_ID, ["https://x/inbox"])
        count = await session.scalar(select(func.count()).select_from(Delivery))
    assert count == 0


async def test_a_refused_delivery_is_a_warning_and_shows_in_the_status_command(
    database, database_url, make_worker, receiver, base_url, clock, caplog
):
    async with database.session() as session, session.begin():
        session.add(LocalActor(name="blog", private_key_pem="-", public_key_pem="-"))
        session.add(LocalActor(name="events", private_key_pem="-", public_key_pem="-"))
        await session.flush()
        session.add_all(
            Follower(actor_name="blog", follower_uri=f"https://x/u/{n}", inbox=f"{base_url}/ok")
            for n in range(3)
        )
    # Fedify's answer to a body it cannot read, as the issue saw it.
    receiver.script["/refuses"] = [400]
    receiver.bodies["/refuses"] = b'{"error":"Missing actor"}' + b" " * 1000 + b"TAIL"
    receiver.script["/down"] = [503]
    await queue(database, clock, [f"{base_url}/ok", f"{base_url}/refuses", f"{base_url}/down"])
    with caplog.at_level("WARNING", logger="federation_server.delivery"):
        report = await make_worker().run_once()
    assert (report.delivered, report.failed, report.retrying) == (1, 1, 1)
    host = base_url.removeprefix("http://")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    refused = next(m for m in warnings if "/refuses" in m)
    assert host in refused and "400" in refused and "Missing actor" in refused
    assert "TAIL" not in refused  # only the first bytes of the answer
    assert any("/down" in m and "503" in m for m in warnings)
    assert not any("/ok" in m for m in warnings)  # delivered: nothing to warn about

    async with database.session() as session, session.begin():
        session.add(HostState(host="dead.example", consecutive_failures=9,
                              failure_days=["2026-11-01"], unavailable=True))  # fmt: skip
    await queue(database, clock, [f"{base_url}/later"], activity(3))
    env = os.environ | {"DATABASE_URL": database_url}
    out = subprocess.run(
        [sys.executable, "-m", "federation_server", "status"],
        env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "  blog: 3" in lines and "  events: 0" in lines  # followers per actor
    assert "queue depth: 2 pending" in lines  # the 503 waiting for its retry, and /later
    assert f"  {host}: 1 delivered, 1 failed, 2 pending" in lines
    assert "hosts marked unavailable: dead.example" in lines
    last = next(line for line in lines if line.startswith(f"  {host} ("))
    assert "HTTP 503" in last or "Missing actor" in last
