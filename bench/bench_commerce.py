"""Commerce benchmark (``make bench-commerce``): one API process on PostgreSQL, driven by wrk.

    python bench/bench_commerce.py [--seconds 8 --connections 32 --rounds 2] [--quick]

It creates its own PostgreSQL database (``TEST_POSTGRES_DSN`` or postgres@127.0.0.1:5432) and
drops it afterwards, writes a synthetic ``catalog.json`` (30 products), and starts the fake
SumUp and ``python -m commerce_api serve`` (production settings: uvloop and httptools when
installed) as processes on loopback ports. Each figure is measured with wrk (C) beside its
yardstick, same connections and duration, alternating A B B A (``bench/loadgen.py``), and
printed with the API process's CPU time per answered request (from /proc: a figure the
machine's load hardly moves):

- ``POST /cart/items`` creating a cart, and adding to an existing cart, against pgbench
  running the same SQL, compiled from the API's own statements (each is one statement in
  autocommit; target >= 0.4; the SQL is written to ``bench/out/``);
- ``GET /catalog`` and ``GET /cart`` against the same server's ``GET /health`` (>= 0.5);
- ``POST /checkout`` (a fresh cart each, the fake SumUp opening the checkout) against
  ``GET /health`` (>= 0.1);
- the checkout race: ``shoppers`` carts each hold one unit of a product with ``units`` in
  stock and all check out at once (a Python client: each shopper's cart and idempotency key
  is its own); exactly ``units`` must sell;
- the RSS of the API process afterwards (< 150 MB).

Every loop is bounded (wrk by duration, the race by its shoppers). Exit status 1 when a
phase fails, an error is counted, or the race oversells; missed ratios are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.loadgen import (  # noqa: E402
    OUT,
    BenchError,
    Figure,
    Metered,
    Verdict,
    alternate,
    compare,
    load_average,
    metered,
    raw_request,
    rss_mb,
    run_pgbench,
    run_wrk,
    start_profile,
    summarize_profile,
    write_requests,
)
from commerce_api.fake_sumup import FakeSumUpProcess  # noqa: E402
from manifest_contract import with_content_hash  # noqa: E402
from scripts.serve_stack import start_server, stop_process  # noqa: E402

ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
SITE = "http://127.0.0.1:9"  # never contacted; only used for URLs in the catalogue
CART_PRODUCTS = 30
RACE_PRODUCT = "product:bench-last-units"


# -- setup ------------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_catalog(path: Path, units: int) -> None:
    """``CART_PRODUCTS`` unlimited products for (a), one product with ``units`` for (b)."""
    items = [
        with_content_hash(
            {
                "id": f"product:bench-{n}",
                "kind": "product",
                "title": f"Bench product {n}",
                "url": f"{SITE}/market/bench-{n}/",
                "price": 100 + n,
                "currency": "GBP",
                "stock": None,
                "category": "bench",
            }
        )
        for n in range(CART_PRODUCTS)
    ]
    items.append(
        with_content_hash(
            {
                "id": RACE_PRODUCT,
                "kind": "product",
                "title": "The last units",
                "url": f"{SITE}/market/bench-last-units/",
                "price": 650,
                "currency": "GBP",
                "stock": units,
                "category": "bench",
            }
        )
    )
    catalog = {
        "schema_version": 1,
        "generated_at": "2026-11-27T12:00:00Z",
        "site_url": SITE,
        "items": items,
        "newsletters": [],
    }
    path.write_text(json.dumps(catalog, indent=1))


async def _admin(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def database_url(name: str) -> str:
    base = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


def run_cli(*args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "commerce_api", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"commerce_api {args[0]} failed:\n{done.stdout}{done.stderr}")


def _no_cookies() -> http.cookiejar.CookieJar:
    """Every shopper is its own cart: the client must not carry one cart cookie to all."""
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def _require(response: httpx.Response) -> None:
    if response.status_code >= 400:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} -> "
            f"{response.status_code}: {response.text[:300]}"
        )


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Sample:
    name: str
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000

    def line(self) -> str:
        return (
            f"  {self.name:28} {self.rate:9.1f} req/s   p50 {self.pct(50):7.1f} ms"
            f"   p99 {self.pct(99):7.1f} ms   ({self.ok} ok, {self.errors} failed)"
        )


async def closed_loop(
    name: str,
    total: int,
    concurrency: int,
    request: Callable[[int, int], Awaitable[httpx.Response]],
    expect: tuple[int, ...],
) -> Sample:
    """``concurrency`` workers share ``total`` requests; each records its latency."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker(worker_id: int) -> None:
        nonlocal errors
        for n in counter:
            start = time.perf_counter()
            try:
                response = await request(worker_id, n)
                good = response.status_code in expect
            except httpx.HTTPError:
                good = False
            if good:
                latencies.append(time.perf_counter() - start)
            else:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    return Sample(name, time.perf_counter() - start, latencies, errors)


@dataclass
class Race:
    sample: Sample
    refused: int
    paid: int
    states: dict[str, int]
    stock_left: object


async def bench_race(api: str, fake: FakeSumUpProcess, shoppers: int, units: int) -> Race:
    limits = httpx.Limits(max_connections=shoppers, max_keepalive_connections=shoppers)
    async with httpx.AsyncClient(
        base_url=api, timeout=60, limits=limits, cookies=_no_cookies()
    ) as client:
        tokens = []
        for _ in range(shoppers):
            made = await client.post("/cart/items", json={"item_id": RACE_PRODUCT, "quantity": 1})
            _require(made)
            tokens.append(made.json()["token"])
        gate = asyncio.Event()
        latencies: list[float] = []
        orders: list[dict[str, object]] = []
        refused = 0
        failed = 0

        async def shopper(token: str) -> None:
            nonlocal refused, failed
            await gate.wait()
            start = time.perf_counter()
            try:
                answer = await client.post(
                    "/checkout",
                    json={},
                    headers={"X-Cart-Token": token, "Idempotency-Key": uuid.uuid4().hex},
                )
            except httpx.HTTPError:
                failed += 1
                return
            if answer.status_code in (200, 201):
                latencies.append(time.perf_counter() - start)
                orders.append(answer.json())
            elif answer.status_code == 409:
                refused += 1
            else:
                failed += 1

        tasks = [asyncio.create_task(shopper(t)) for t in tokens]
        await asyncio.sleep(0.2)
        start = time.perf_counter()
        gate.set()
        await asyncio.gather(*tasks)
        sample = Sample("POST /checkout (race)", time.perf_counter() - start, latencies, failed)

        # Pay every checkout that was opened, as shoppers would; the webhook confirms them.
        by_reference = {c["checkout_reference"]: c for c in fake.checkouts()}
        for order in orders:
            checkout = by_reference.get(str(order["reference"]))
            if checkout is not None and checkout["status"] == "PENDING":
                await asyncio.to_thread(fake.pay, checkout["id"])
        states: dict[str, int] = {}
        for order in orders:
            read = await client.get(f"/orders/{order['token']}")
            state = read.json().get("state", "?") if read.status_code == 200 else "unreadable"
            states[state] = states.get(state, 0) + 1
        item = await client.get(f"/catalog/{RACE_PRODUCT}")
        stock_left = item.json().get("available") if item.status_code == 200 else "?"
        paid = states.get("paid", 0)
        return Race(sample, refused, paid, states, stock_left)


# -- the wrk phases ---------------------------------------------------------------------------

#: Carts made before timing (tokens match ``looks_like_token``): wrk's carts, pgbench's own
#: (so neither waits on the other's row locks) and one fresh cart per checkout.
API_CARTS = "benchmark-cart-api-"
PG_CARTS = "benchmark-cart-pg-"
CHECKOUT_CARTS = "benchmark-cart-co-"
CARTS = 500
LINES = 3  # every prepared cart holds products 0..2, one of each
#: The product id in pgbench SQL: pgbench reads ``:bench`` inside a literal as a variable.
ITEM = "'product:' || 'bench-' || :i::text"


def api_sql(statement: object, variables: dict[str, str]) -> str:
    """``statement`` exactly as the API sends it (compiled by SQLAlchemy's asyncpg dialect,
    which ``commerce_api.db`` hands to asyncpg as it is), its parameters replaced by the
    pgbench expressions in ``variables`` (the others by the values the statement holds)."""
    from sqlalchemy.dialects.postgresql.asyncpg import dialect
    from sqlalchemy.sql.compiler import SQLCompiler

    compiled = statement.compile(dialect=dialect())  # type: ignore[attr-defined]
    assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
    values = compiled.construct_params(dict.fromkeys(variables))
    sql = str(compiled)
    for number, name in reversed(list(enumerate(compiled.positiontup, 1))):  # $12 before $1
        sql = sql.replace(f"${number}", f"({variables.get(name, repr(values[name]))})")
    return sql + ";\n"


def add_new_cart_sql() -> str:
    """A new cart with its first line: one statement in autocommit (``add_item``)."""
    from commerce_api.domain.cart._service import _NEW_CART_WITH_LINE

    variables = {
        "token": "md5(random()::text) || :client_id",
        "now": "now()",
        "currency": "'GBP'",
        "item_id": ITEM,
        "qty": "1",
    }
    return f"\\set i random(0, {CART_PRODUCTS - 1})\n" + api_sql(_NEW_CART_WITH_LINE, variables)


def add_existing_sql() -> str:
    """The add to an existing cart: one statement in autocommit (``add_item``)."""
    from commerce_api.domain.cart._service import _ADD_TO_CART

    variables = {"token": f"'{PG_CARTS}' || :c", "item_id": ITEM, "qty": "1"}
    return f"\\set c random(1, {CARTS})\n\\set i random(0, {LINES - 1})\n" + api_sql(
        _ADD_TO_CART, variables
    )


async def make_carts(db_url: str, prefix: str, count: int, lines: int) -> None:
    """``count`` carts named ``prefix + n`` holding products 0..lines-1, in two statements."""
    import asyncpg

    conn = await asyncpg.connect(db_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(
            "INSERT INTO carts (token, created_at, updated_at, currency) "
            "SELECT $1 || g, now(), now(), 'GBP' FROM generate_series(1, $2::int) g",
            prefix,
            count,
        )
        await conn.execute(
            "INSERT INTO cart_lines (cart_id, item_id, quantity) "
            "SELECT c.id, 'product:bench-' || i, 1 FROM carts c, generate_series(0, $2::int) i "
            "WHERE c.token LIKE $1 || '%'",
            prefix,
            lines - 1,
        )
    finally:
        await conn.close()


@dataclass
class Phases:
    """Requests files and SQL files for every figure of one run."""

    api: str
    out: Path
    seconds: float
    connections: int
    checkouts_per_round: int
    rounds_done: int = 0

    def file(self, name: str, requests: list[bytes]) -> Path:
        return write_requests(self.out / f"{name}.requests", requests)

    def health(self) -> Path:
        return self.file("health", [raw_request("GET", f"{self.api}/health")])

    def catalog(self) -> Path:
        return self.file("catalog", [raw_request("GET", f"{self.api}/catalog")])

    def cart(self) -> Path:
        return self.file(
            "cart",
            [
                raw_request("GET", f"{self.api}/cart", {"X-Cart-Token": f"{API_CARTS}{n}"})
                for n in range(1, CARTS + 1)
            ],
        )

    def add_new(self) -> Path:
        return self.file(
            "add_new_cart",
            [
                raw_request(
                    "POST",
                    f"{self.api}/cart/items",
                    {"Content-Type": "application/json"},
                    json.dumps({"item_id": f"product:bench-{n}", "quantity": 1}).encode(),
                )
                for n in range(CART_PRODUCTS)
            ],
        )

    def add_existing(self) -> Path:
        return self.file(
            "add_existing_cart",
            [
                raw_request(
                    "POST",
                    f"{self.api}/cart/items",
                    {"Content-Type": "application/json", "X-Cart-Token": f"{API_CARTS}{c}"},
                    json.dumps({"item_id": f"product:bench-{c % LINES}", "quantity": 1}).encode(),
                )
                for c in range(1, CARTS + 1)
            ],
        )

    def checkout(self, number: int) -> Path:
        """Round ``number``'s own fresh carts, each checked out once with its own key."""
        first = number * self.checkouts_per_round + 1
        return self.file(
            f"checkout-{number}",
            [
                raw_request(
                    "POST",
                    f"{self.api}/checkout",
                    {
                        "Content-Type": "application/json",
                        "X-Cart-Token": f"{CHECKOUT_CARTS}{c}",
                        "Idempotency-Key": f"bench-{c}",
                    },
                    b"{}",
                )
                for c in range(first, first + self.checkouts_per_round)
            ],
        )

    def sql(self, name: str, text: str) -> Path:
        path = self.out / f"{name}.sql"
        path.write_text(text)
        return path


def wrk_phases(
    phases: Phases,
    pg_dsn: str,
    rounds: int,
    only: str | None,
    server_pid: int,
    profile: bool,
) -> list[Verdict]:
    """Every wrk figure beside its yardstick (those whose label contains ``only``), each with
    the API process's CPU per request; with ``profile``, py-spy samples that process during
    each measured run."""
    api, conns, secs = phases.api, phases.connections, phases.seconds
    health_file = phases.health()

    def health() -> Figure:
        return run_wrk("GET /health", api, health_file, conns, secs)

    def wrk(name: str, requests: Path) -> Callable[[], Figure]:
        return lambda: run_wrk(name, api, requests, conns, secs)

    def pgbench(name: str, sql: Path) -> Callable[[], Figure]:
        return lambda: run_pgbench(name, pg_dsn, sql, conns, secs)

    checkout_round = iter(range(rounds))
    # Open the server's connection pool before the clock starts, as pgbench's are.
    run_wrk("warm-up", api, phases.add_existing(), conns, 1)
    verdicts = []
    cases: list[tuple[str, Callable[[], Figure], Callable[[], Figure], float]] = [
        (
            "add-to-cart, new cart",
            pgbench("pgbench: same statement", phases.sql("add_new_cart", add_new_cart_sql())),
            wrk("POST /cart/items (new cart)", phases.add_new()),
            0.4,
        ),
        (
            "add to an existing cart",
            pgbench("pgbench: same statement", phases.sql("add_existing", add_existing_sql())),
            wrk("POST /cart/items (existing cart)", phases.add_existing()),
            0.4,
        ),
        ("GET /catalog", health, wrk("GET /catalog", phases.catalog()), 0.5),
        ("GET /cart", health, wrk("GET /cart (3 lines)", phases.cart()), 0.5),
        (
            "checkout",
            health,
            lambda: run_wrk(
                "POST /checkout (fake SumUp)",
                api,
                phases.checkout(next(checkout_round)),
                conns,
                secs,
            ),
            0.1,
        ),
    ]
    for label, yardstick, measured, target in cases:
        if only and only not in label:
            continue
        print(f"\n{label}  ({load_average()})")
        profile_file = phases.out / f"profile-{label.replace(' ', '_').replace('/', '')}.txt"
        if profile:
            measured = profiled(measured, server_pid, secs, profile_file)
        base_cpu, figure_cpu = Metered(), Metered()
        if yardstick is health:
            yardstick = _metered(server_pid, yardstick, base_cpu)
        base, figure = alternate(yardstick, _metered(server_pid, measured, figure_cpu), rounds)
        verdicts.append(compare(label, base, figure, target))
        for name, cpu in ((base.name, base_cpu), (figure.name, figure_cpu)):
            if cpu.count:
                print(f"{cpu.line()}  [{name}]")
        if profile:
            print("\n".join(summarize_profile(profile_file)))
        if label == "checkout" and figure.count + figure.errors > rounds * (
            phases.checkouts_per_round
        ):
            print("     (wrk cycled past the prepared carts: repeats count as errors)")
    return verdicts


def _metered(pid: int, run: Callable[[], Figure], into: Metered) -> Callable[[], Figure]:
    return lambda: metered(pid, run, into)


def profiled(
    run: Callable[[], Figure], pid: int, seconds: float, out: Path
) -> Callable[[], Figure]:
    """``run`` with py-spy recording ``pid`` meanwhile (the last round's profile is kept)."""

    def wrapped() -> Figure:
        spy = start_profile(pid, seconds, out)
        try:
            return run()
        finally:
            if spy is not None:
                spy.wait(seconds + 30)

    return wrapped


# -- main -------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8, help="wrk/pgbench run length")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2, help="A B B A rounds per figure")
    parser.add_argument("--shoppers", type=int, default=200)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="3 s per run (a few minutes)")
    parser.add_argument("--out", type=Path, default=OUT / "commerce", help="SQL/requests files")
    parser.add_argument("--only", help="run only the figures whose label contains this")
    parser.add_argument("--profile", action="store_true", help="py-spy the API under load")
    parser.add_argument("--no-race", action="store_true", help="skip the checkout race")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = 3
    return args


def run_race(api: str, fake: FakeSumUpProcess, shoppers: int, units: int) -> bool:
    """The checkout race; True when it failed (errors, or not exactly ``units`` sold)."""
    print(f"\ncheckout race: {shoppers} shoppers for {units} units (Python client)")
    race = asyncio.run(bench_race(api, fake, shoppers, units))
    print(race.sample.line())
    print(
        f"  checkouts opened {race.sample.ok}, refused (sold out) {race.refused}, "
        f"failed {race.sample.errors}"
    )
    print(f"  after paying: {race.states}; stock left {race.stock_left}")
    sold = race.states.get("paid", 0) + race.states.get("pending", 0)
    exact = sold == units
    print(f"  sold {sold} of {units}: {'exactly' if exact else 'NOT exactly'} the stock")
    return bool(race.sample.errors) or not exact


def run(args: argparse.Namespace, db_url: str, pg_dsn: str) -> int:
    """Start the processes, run every phase, print the figures; 1 on any failure."""
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ra-bench-")))
        fake = stack.enter_context(FakeSumUpProcess())
        write_catalog(work / "catalog.json", args.units)
        port = _free_port()
        api = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "SITE_URL": SITE,
            "PUBLIC_URL": api,
            "SUMUP_API_URL": fake.url,
            "SUMUP_API_KEY": "sk_test_bench",
            "SUMUP_MERCHANT_CODE": "MBENCH",
            "EXPIRY_SWEEP_SECONDS": "0",
        }
        run_cli("migrate", env=env)
        run_cli("sync-catalog", str(work / "catalog.json"), env=env)
        checkouts = int(400 * args.seconds)  # more than one process checks out in a run
        for prefix, count in (
            (API_CARTS, CARTS),
            (PG_CARTS, CARTS),
            (CHECKOUT_CARTS, checkouts * args.rounds),
        ):
            asyncio.run(make_carts(db_url, prefix, count, LINES if count == CARTS else 1))
        api_proc = start_server(
            "commerce_api", "127.0.0.1", port, env, "/health", log=work / "api.log"
        )
        stack.callback(stop_process, api_proc)
        args.out.mkdir(parents=True, exist_ok=True)
        print(
            f"commerce API on PostgreSQL, one `serve` process; wrk and pgbench with "
            f"{args.connections} connections, {args.seconds:g} s per run, {args.rounds} "
            f"rounds A B B A\n{load_average()}"
        )
        phases = Phases(api, args.out, args.seconds, args.connections, checkouts)
        verdicts = wrk_phases(phases, pg_dsn, args.rounds, args.only, api_proc.pid, args.profile)

        race_failed = False
        if not args.no_race:
            race_failed = run_race(api, fake, args.shoppers, args.units)

        rss = rss_mb(api_proc.pid)
        print(f"\nRSS of the API process after the bench: {rss:.0f} MB (target < 150 MB)")
        print(f"{load_average()}")
        print("\nsummary:")
        for verdict in verdicts:
            print(verdict.line())
        errors = sum(1 for v in verdicts if not v.met)
        print(f"  {len(verdicts) - errors} of {len(verdicts)} ratios met")
        failed = race_failed or rss >= 150
        return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    name = f"ra_bench_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        print(f"PostgreSQL does not answer at {urlsplit(ADMIN_DSN).netloc}: {exc}")
        return 1
    try:
        return run(args, database_url(name), f"{ADMIN_DSN.rsplit('/', 1)[0]}/{name}")
    except (RuntimeError, BenchError) as exc:
        print(f"error: {exc}")
        return 1
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        print(f"dropped database {name}")


if __name__ == "__main__":
    sys.exit(main())
