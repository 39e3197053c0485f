"""Federation benchmark (``make bench-federation``): signing, fan-out and inbox, on loopback.

    python bench/bench_federation.py [--followers 10000 --shared-inboxes 1000]
                                     [--seconds 8 --connections 32 --rounds 2] [--quick]

One run measures, against figures taken in the same run:

(a) the raw RSA-2048 signing rate of this machine (``cryptography``, one core): every
    delivery needs its own signature, so this is the physical limit of signed delivery;
(b) fan-out of one Create through the persistent queue and the delivery worker to
    ``--followers`` followers on as many personal inboxes, then to as many followers behind
    ``--shared-inboxes`` shared inboxes, served by a minimal receiver process (which checks a
    sample of the signatures with our verifier): deliveries per wall-clock second as a ratio
    of (a) measured right before, target at least 0.5 (per CPU-second printed beside it);
(c) the inbox of one ``python -m federation_server serve`` process: distinct pre-signed
    Follows (signed on every CPU before the clock starts) sent by wrk (C) through
    ``bench/requests.lua``, beside pgbench running the inbox's own write transaction with the
    same connections and duration, A B B A; target at least 0.4. ``GET /health`` is printed
    for scale. The SQL is written to ``bench/out/federation/inbox.sql``. Beside each wrk
    figure: the server process's CPU time per answered request (user and system, from /proc),
    which the machine's load hardly moves, and the rate it would allow on one whole core.

The queue lives in a throwaway PostgreSQL database (``TEST_POSTGRES_DSN`` or
postgres@127.0.0.1:5432), or SQLite with ``--sqlite`` or when PostgreSQL does not answer
((c) needs PostgreSQL for pgbench). Every loop is bounded by a count or a duration.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.loadgen import (  # noqa: E402
    OUT,
    BenchError,
    Figure,
    Metered,
    alternate,
    compare,
    load_average,
    metered,
    raw_request,
    run_pgbench,
    run_wrk,
    start_profile,
    summarize_profile,
    write_requests,
)
from federation_server.keys import (  # noqa: E402
    generate_private_key,
    load_private_key,
    private_key_to_pem,
    public_key_pem,
)
from federation_server.signatures import PublicKeyInfo, sign_request, verify_request  # noqa: E402

ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
AS = "https://www.w3.org/ns/activitystreams"
LOCAL = "https://rose-ash.example.coop/actors/blog"
TARGETS = {"fan-out": 0.5, "inbox": 0.4}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- (a) signing ------------------------------------------------------------------------------


@dataclass
class Rate:
    """A count over wall-clock seconds and over this process's CPU seconds."""

    count: int
    seconds: float
    cpu_seconds: float

    @property
    def wall(self) -> float:
        return self.count / self.seconds

    @property
    def cpu(self) -> float:
        return self.count / self.cpu_seconds


def signing_rate(count: int) -> Rate:
    """RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second over a delivery's signing string."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = generate_private_key()
    message = (
        b"(request-target): post /users/1234/inbox\nhost: mastodon.example\n"
        b"date: Fri, 27 Nov 2026 12:00:00 GMT\ndigest: SHA-256=" + b"A" * 44
    )
    for _ in range(20):
        key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return Rate(count, time.perf_counter() - start, time.process_time() - cpu)


# -- the minimal receiver (a child process) ---------------------------------------------------


class Receiver(asyncio.Protocol):
    """HTTP/1.1 keep-alive, just enough for the benchmark.

    ``POST`` anything: 202 (every ``sample``-th request is verified with our verifier);
    ``GET /users/<n>``: an actor document with the shared public key; ``GET /stats``: counts.
    """

    stats: ClassVar[dict[str, int]] = {"posts": 0, "verified": 0, "bad": 0}
    pending: ClassVar[set[asyncio.Future[None]]] = set()
    pem = ""
    base = ""
    sample = 50

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            method, target, _version = lines[0].split(" ", 2)
            headers = [tuple(p.strip() for p in line.split(":", 1)) for line in lines[1:]]
            length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            status, payload = self.handle(method, target, headers, body)
            self.transport.write(
                b"HTTP/1.1 %d OK\r\ncontent-type: application/activity+json\r\n"
                b"content-length: %d\r\n\r\n%s" % (status, len(payload), payload)
            )

    def handle(
        self, method: str, target: str, headers: list[Any], body: bytes
    ) -> tuple[int, bytes]:
        if method == "POST":
            self.stats["posts"] += 1
            if self.stats["posts"] % self.sample == 1:
                task = asyncio.ensure_future(self.verify(target, headers, body))
                self.pending.add(task)
                task.add_done_callback(self.pending.discard)
            return 202, b""
        if target == "/stats":
            return 200, json.dumps(self.stats).encode()
        if target.startswith("/users/"):
            actor = f"{self.base}{target}"
            document = {
                "@context": [AS, "https://w3id.org/security/v1"],
                "id": actor,
                "type": "Person",
                "preferredUsername": target.rsplit("/", 1)[1],
                "inbox": f"{actor}/inbox",
                "endpoints": {"sharedInbox": f"{self.base}/shared"},
                "publicKey": {"id": f"{actor}#main-key", "owner": actor, "publicKeyPem": self.pem},
            }
            return 200, json.dumps(document).encode()
        return 404, b""

    async def verify(self, target: str, headers: list[Any], body: bytes) -> None:
        async def lookup(key_id: str, *, refresh: bool) -> PublicKeyInfo:
            return PublicKeyInfo(pem=self.pem, owner=key_id.split("#")[0])

        verdict = await verify_request(
            "POST", target, headers, body, key_lookup=lookup, default_scheme="http"
        )
        self.stats["verified" if verdict.ok else "bad"] += 1


def serve_receiver(port: int, pem_file: str) -> None:
    Receiver.pem = Path(pem_file).read_text()
    Receiver.base = f"http://127.0.0.1:{port}"

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Receiver, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def start_receiver(pem_file: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve-receiver", str(port), str(pem_file)],
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/stats", proc)
    return proc, base


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- the database -----------------------------------------------------------------------------


async def _admin(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def postgres_answers() -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(ADMIN_DSN)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 1):
            return True
    except OSError:
        return False


# -- (b) fan-out ------------------------------------------------------------------------------


@dataclass
class FanOut:
    label: str
    followers: int
    enqueue_seconds: float
    delivered: Rate
    #: (a) measured right before this case, under the same machine load.
    signing: Rate


async def fan_out(
    database_url: str,
    base: str,
    key: Any,
    followers: int,
    shared: int,
    concurrency: int,
    signatures: int,
) -> list[FanOut]:
    from federation_server.db.engine import create_database
    from federation_server.db.migrate import upgrade_engine
    from federation_server.delivery import AiohttpSender, Worker, enqueue
    from federation_server.net import guarded_session

    database = create_database(database_url)
    await upgrade_engine(database.engine)
    sender = AiohttpSender(guarded_session(allow_private_addresses=True, limit=concurrency))

    async def resolver(_key_id: str) -> Any:
        return key

    worker = Worker(
        database,
        sender=sender,
        key_resolver=resolver,
        batch_size=500,
        concurrency=concurrency,
        per_host=concurrency,  # every inbox of the run sits on one receiver host:port
    )
    cases = [
        ("personal inboxes", [f"{base}/users/{n}/inbox" for n in range(followers)]),
        (
            f"{shared} shared inboxes",
            [
                {"inbox": f"{base}/users/{n}/inbox", "shared_inbox": f"{base}/shared/{n % shared}"}
                for n in range(followers)
            ],
        ),
    ]
    results = []
    try:
        for number, (label, recipients) in enumerate(cases):
            create = {
                "@context": AS,
                "id": f"{LOCAL}/activities/bench-{number}-{uuid.uuid4().hex}",
                "type": "Create",
                "actor": LOCAL,
                "to": [f"{AS}#Public"],
                "cc": [f"{LOCAL}/followers"],
                "object": {
                    "id": f"{LOCAL}/objects/bench-{number}",
                    "type": "Note",
                    "content": "<p>" + "Orchard news. " * 40 + "</p>",
                },
            }
            start = time.perf_counter()
            async with database.session() as session, session.begin():
                queued = await enqueue(session, create, f"{LOCAL}#main-key", recipients)
            enqueued = time.perf_counter() - start
            signing = signing_rate(signatures)
            start, cpu = time.perf_counter(), time.process_time()
            delivered = 0
            for _ in range(queued // worker.batch_size + 10):  # bounded
                report = await worker.run_once()
                delivered += report.delivered
                if report.claimed == 0:
                    break
            rate = Rate(delivered, time.perf_counter() - start, time.process_time() - cpu)
            if delivered != queued:
                raise RuntimeError(f"{label}: delivered {delivered} of {queued}")
            results.append(FanOut(label, followers, enqueued, rate, signing))
    finally:
        await sender.aclose()
        await database.dispose()
    return results


# -- (c) inbox --------------------------------------------------------------------------------


@dataclass
class Sample:
    label: str
    count: int
    errors: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.count / self.seconds


async def closed_loop(
    label: str, client: httpx.AsyncClient, requests: list[dict[str, Any]], concurrency: int
) -> Sample:
    queue = list(reversed(requests))
    errors = 0

    async def run() -> None:
        nonlocal errors
        while queue:
            request = queue.pop()
            response = await client.request(**request)
            if response.status_code >= 300:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(run() for _ in range(concurrency)))
    return Sample(label, len(requests), errors, time.perf_counter() - start)


def _signed_follow(
    server: str, base: str, key: Any, actors: int, n: int, tag: str
) -> tuple[str, dict[str, str], bytes]:
    """Follow number ``n`` from one of ``actors`` remote actors, signed: (inbox, headers, body)."""
    actor = f"{base}/users/{n % actors}"
    body = json.dumps(
        {
            "@context": AS,
            "id": f"{actor}/follows/{n}-{tag}",
            "type": "Follow",
            "actor": actor,
            "object": f"{server}/actors/blog",
        }
    ).encode()
    inbox = f"{server}/actors/blog/inbox"
    headers = sign_request(
        "POST",
        inbox,
        {"Content-Type": "application/activity+json"},
        body,
        key_id=f"{actor}#main-key",
        private_key=key,
    )
    return inbox, headers, body


def follow_requests(
    server: str, base: str, key: Any, actors: int, count: int, offset: int = 0
) -> list[dict[str, Any]]:
    """Signed Follow requests for httpx (the warm-up: one per remote actor)."""
    requests = []
    for n in range(offset, offset + count):
        inbox, headers, body = _signed_follow(server, base, key, actors, n, uuid.uuid4().hex[:8])
        requests.append({"method": "POST", "url": inbox, "content": body, "headers": headers})
    return requests


def _raw(url: str, headers: dict[str, str], body: bytes) -> bytes:
    """A signed POST for wrk (``raw_request`` writes the same Host the signature covers)."""
    return raw_request("POST", url, {k: v for k, v in headers.items() if k != "Host"}, body)


def _signed_raw(job: tuple[str, str, str, int, int, int, str]) -> list[bytes]:
    """Raw signed Follows ``first..first+count`` (run in a worker process)."""
    pem, server, base, actors, first, count, tag = job
    key = load_private_key(pem)
    return [
        _raw(*_signed_follow(server, base, key, actors, n, tag))
        for n in range(first, first + count)
    ]


def presign(server: str, base: str, key: Any, actors: int, count: int, tag: str) -> list[bytes]:
    """``count`` distinct signed Follows, signed on every CPU (signing is the sender's cost,
    not the inbox's, so it happens before the clock starts)."""
    from concurrent.futures import ProcessPoolExecutor

    pem = private_key_to_pem(key)
    workers = os.cpu_count() or 1
    size = -(-count // workers)
    jobs = [
        (pem, server, base, actors, first, min(size, count - first), tag)
        for first in range(0, count, size)
    ]
    with ProcessPoolExecutor(workers) as pool:
        return [request for part in pool.map(_signed_raw, jobs) for request in part]


# The inbox's write (``services.inbox._store`` for a sender whose key is cached: one INSERT
# in autocommit, no BEGIN/COMMIT), as pgbench runs it: one Follow of the same shape and
# size, a distinct id each time.
INBOX_SQL = """\\set n random(1, 2000000000)
INSERT INTO inbox_activities (activity_id, activity_type, actor_uri, object_id, inbox_owner,
    activity_json, received_at, attempts)
  VALUES ('https://remote.example/users/' || :client_id::text || '/follows/' || :n::text
      || '-' || md5(random()::text),
    'Follow', 'https://remote.example/users/7', 'https://rose-ash.example/actors/blog', 'blog',
    '{"@context": "https://www.w3.org/ns/activitystreams", "id":
      "https://remote.example/users/7/follows/123456-0123abcd", "type": "Follow", "actor":
      "https://remote.example/users/7", "object": "https://rose-ash.example/actors/blog"}',
    now(), 0)
  ON CONFLICT (activity_id) DO NOTHING RETURNING activity_id;
"""


@dataclass
class InboxFigures:
    warm: Sample
    health: Figure
    health_cpu: Metered
    pgbench: Figure
    follow: Figure
    follow_cpu: Metered
    signed: int


def inbox_throughput(
    server: str,
    base: str,
    key: Any,
    args: argparse.Namespace,
    pg_dsn: str | None,
    out: Path,
    server_pid: int,
    profile: bool = False,
) -> InboxFigures:
    """Warm the key cache with httpx, then wrk: /health, and signed Follows beside pgbench
    running the inbox's write transaction, A B B A."""

    requests = follow_requests(server, base, key, args.remote_actors, args.remote_actors)

    async def warm_up() -> Sample:
        limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            return await closed_loop("warm-up", client, requests, 8)

    warm = asyncio.run(warm_up())
    if warm.errors:
        raise RuntimeError(f"the inbox refused {warm.errors} of {warm.count} warm-up Follows")
    # The same Follows again for a second (stored already: the same path, nothing new), so
    # the server's connection pool is open before the clock starts, as pgbench's is.
    again = [_raw(r["url"], r["headers"], r["content"]) for r in requests]
    run_wrk("warm-up", server, write_requests(out / "warm.requests", again), args.connections, 1)
    conns, secs = args.connections, args.seconds
    per_round = int(args.follow_rate * secs)
    rounds = iter(range(args.rounds))
    health_cpu, follow_cpu = Metered(), Metered()

    def follows() -> Figure:
        number = next(rounds)
        raw = presign(server, base, key, args.remote_actors, per_round, f"r{number}")
        path = write_requests(out / f"follows-{number}.requests", raw)
        spy = start_profile(server_pid, secs, out / "profile-inbox.txt") if profile else None
        try:
            return metered(
                server_pid,
                lambda: run_wrk("signed Follow (distinct ids)", server, path, conns, secs),
                follow_cpu,
            )
        finally:
            if spy is not None:
                spy.wait(secs + 30)

    health_file = write_requests(out / "health.requests", [raw_request("GET", f"{server}/health")])
    health = metered(
        server_pid, lambda: run_wrk("GET /health", server, health_file, conns, secs), health_cpu
    )
    if pg_dsn is None:
        raise RuntimeError("the inbox yardstick needs PostgreSQL (pgbench)")
    sql = out / "inbox.sql"
    sql.write_text(INBOX_SQL)
    pgbench, follow = alternate(
        lambda: run_pgbench("pgbench: inbox write transaction", pg_dsn, sql, conns, secs),
        follows,
        args.rounds,
    )
    return InboxFigures(
        warm, health, health_cpu, pgbench, follow, follow_cpu, per_round * args.rounds
    )


def start_server(env: dict[str, str], port: int, logs: Path) -> subprocess.Popen[bytes]:
    with open(logs, "wb") as log:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "federation_server", "serve"),
                *("--host", "127.0.0.1", "--port", str(port), "--no-worker"),
                *("--log-level", "warning"),
            ],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    wait_for(f"http://127.0.0.1:{port}/health", proc)
    return proc


# -- the run ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--shared-inboxes", type=int, default=1_000)
    parser.add_argument("--seconds", type=float, default=8, help="wrk/pgbench run length")
    parser.add_argument("--connections", type=int, default=32, help="wrk/pgbench connections")
    parser.add_argument("--rounds", type=int, default=2, help="A B B A rounds for (c)")
    parser.add_argument(
        "--follow-rate", type=int, default=2_500, help="distinct Follows signed per second of (c)"
    )
    parser.add_argument("--remote-actors", type=int, default=50, help="senders of the Follows")
    parser.add_argument("--signatures", type=int, default=3_000, help="signatures for (a)")
    parser.add_argument("--concurrency", type=int, default=16, help="delivery concurrency")
    parser.add_argument("--sqlite", action="store_true", help="queue on SQLite, not PostgreSQL")
    parser.add_argument("--profile", action="store_true", help="py-spy the inbox under load")
    parser.add_argument("--no-fanout", action="store_true", help="skip (b)")
    parser.add_argument("--out", type=Path, default=OUT / "federation", help="SQL/requests files")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument(
        "--serve-receiver", nargs=2, metavar=("PORT", "PEM"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.followers, args.shared_inboxes = 1_000, 100
        args.remote_actors, args.signatures, args.seconds = 10, 500, 3
    return args


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f} (target >= {target}: {'met' if ratio >= target else 'MISSED'})"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_receiver:
        serve_receiver(int(args.serve_receiver[0]), args.serve_receiver[1])
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-federation-") as tmp:
        try:
            return run(args, Path(tmp))
        except (RuntimeError, BenchError) as exc:
            print(f"error: {exc}")
            return 1


def run(args: argparse.Namespace, tmp: Path) -> int:
    print(f"federation benchmark on {os.cpu_count()} CPUs (load {os.getloadavg()[0]:.1f})")
    rate = signing_rate(args.signatures)
    print(
        f"(a) RSA-2048 signing: {rate.wall:,.0f} signatures/s "
        f"({rate.cpu:,.0f} per CPU-second, one core)"
    )

    key = generate_private_key()
    pem_file = tmp / "remote.pem"
    pem_file.write_text(public_key_pem(key))
    receiver, base = start_receiver(pem_file)
    use_postgres = not args.sqlite and postgres_answers()
    db_name = f"bench_federation_{uuid.uuid4().hex[:10]}"
    if use_postgres:
        root = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        for name in (db_name, f"{db_name}_server"):
            asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        queue_url, server_url = f"{root}/{db_name}", f"{root}/{db_name}_server"
    else:
        queue_url = f"sqlite+aiosqlite:///{tmp / 'queue.db'}"
        server_url = f"sqlite+aiosqlite:///{tmp / 'server.db'}"
    failures = missed = 0
    try:
        backend = "PostgreSQL" if use_postgres else "SQLite"
        print(f"(b) fan-out through the delivery queue on {backend}, one worker process")
        results = (
            []
            if args.no_fanout
            else asyncio.run(
                fan_out(
                    queue_url,
                    base,
                    key,
                    args.followers,
                    args.shared_inboxes,
                    args.concurrency,
                    args.signatures,
                )
            )
        )
        for result in results:
            done, signing = result.delivered, result.signing
            ratio = done.wall / signing.wall
            missed += ratio < TARGETS["fan-out"]
            print(
                f"    {result.followers:,} followers, {result.label}: {done.count:,} deliveries "
                f"in {done.seconds:.2f} s = {done.wall:,.0f}/s wall-clock; (a) just before "
                f"{signing.wall:,.0f}/s; enqueue {result.enqueue_seconds:.2f} s"
            )
            print(
                f"      wall-clock ratio {verdict(ratio, TARGETS['fan-out'])}; per CPU-second "
                f"of the worker {done.cpu:,.0f} vs {signing.cpu:,.0f} = "
                f"{done.cpu / signing.cpu:.2f}"
            )
        stats = httpx.get(f"{base}/stats").json()
        print(
            f"    receiver: {stats['posts']:,} POSTs, sampled signatures verified "
            f"{stats['verified']}, bad {stats['bad']}"
        )
        failures += stats["bad"] > 0

        port = free_port()
        env = dict(os.environ)
        env.update(
            {
                "PUBLIC_URL": f"http://127.0.0.1:{port}",
                "DATABASE_URL": server_url,
                "FEDERATION_ALLOW_PRIVATE_ADDRESSES": "1",
                "FEDERATION_RUN_WORKER": "0",
                "FEDERATION_RUN_INBOX_PROCESSOR": "0",
            }
        )
        server_dsn = f"{ADMIN_DSN.rsplit('/', 1)[0]}/{db_name}_server" if use_postgres else None
        out = args.out
        out.mkdir(parents=True, exist_ok=True)
        server = start_server(env, port, tmp / "server.log")
        print(
            f"(c) inbox of one `federation_server serve --no-worker` on {backend} (stored "
            "activities are handled by `deliver`, its own process); wrk and pgbench with "
            f"{args.connections} connections, {args.seconds:g} s per run, {args.rounds} rounds "
            f"A B B A\n    {load_average()}"
        )
        try:
            figures = inbox_throughput(
                f"http://127.0.0.1:{port}",
                base,
                key,
                args,
                server_dsn,
                out,
                server.pid,
                args.profile,
            )
        finally:
            stop(server)
        print(f"    warm-up: {figures.warm.count} Follows from new actors (key fetched once each)")
        print(figures.health.line())
        print(figures.health_cpu.line())
        if args.profile:
            print("\n".join(summarize_profile(out / "profile-inbox.txt")))
        inbox = compare("signed Follow", figures.pgbench, figures.follow, TARGETS["inbox"])
        print(figures.follow_cpu.line())
        if figures.follow.count + figures.follow.errors > figures.signed:
            print("     (wrk cycled past the distinct Follows: raise --follow-rate)")
        missed += not inbox.met
        failures += figures.follow.errors > 0 or figures.pgbench.errors > 0
        print(f"    {load_average()}")
        print(f"summary: {missed} target(s) missed, {failures} failure(s)")
    finally:
        stop(receiver)
        if use_postgres:
            for name in (db_name, f"{db_name}_server"):
                asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
