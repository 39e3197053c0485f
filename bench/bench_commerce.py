"""Commerce benchmark (``make bench-commerce``), on PostgreSQL with uvicorn, as issue 3 asks.

    python bench/bench_commerce.py [--requests 2000 --concurrency 16 --shoppers 200 --units 50]

It creates its own PostgreSQL database (``TEST_POSTGRES_DSN`` or postgres@127.0.0.1:5432) and
drops it afterwards, writes a small synthetic ``catalog.json``, and starts the fake SumUp and
``python -m commerce_api serve`` as processes on loopback ports. Then:

(a) add-to-cart: ``POST /cart/items`` requests per second with p50/p99 latency, beside
    ``GET /health`` measured by the same client, with the same concurrency, in the same run;
    the ratio of the two is the figure (target: at least 40 %).
(b) checkout race: ``shoppers`` carts each hold one unit of a product with ``units`` in stock
    and all check out at once. Completed checkouts per second, p99, then every order is paid
    through the fake (webhook included) and counted: oversold = sold beyond the stock (must
    be 0).

Every loop is bounded by a request count; figures are printed with their ratios. Exit status
1 if an oversell is seen or a phase fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
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

from commerce_api.fake_sumup import FakeSumUpProcess  # noqa: E402
from scripts.serve_stack import start_server, stop_process  # noqa: E402

ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
SITE = "http://127.0.0.1:9"  # never contacted; only used for URLs in the catalogue
CART_PRODUCTS = 20
RACE_PRODUCT = "product:bench-last-units"


# -- setup ------------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _hashed(entry: dict[str, object]) -> dict[str, object]:
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {**entry, "content_hash": "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()}


def write_catalog(path: Path, units: int) -> None:
    """``CART_PRODUCTS`` unlimited products for (a), one product with ``units`` for (b)."""
    items = [
        _hashed(
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
        _hashed(
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


async def bench_add_to_cart(api: str, requests: int, concurrency: int) -> tuple[Sample, Sample]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=api, timeout=30, limits=limits, cookies=_no_cookies()
    ) as client:
        tokens: list[str] = []
        for w in range(concurrency):  # one cart per worker, made before timing
            made = await client.post("/cart/items", json={"item_id": "product:bench-0"})
            _require(made)
            tokens.append(made.json()["token"])
            if w == 0:
                await client.get("/health")

        def health(_w: int, _n: int) -> Awaitable[httpx.Response]:
            return client.get("/health")

        def add(w: int, n: int) -> Awaitable[httpx.Response]:
            item = f"product:bench-{n % CART_PRODUCTS}"
            return client.post(
                "/cart/items",
                json={"item_id": item, "quantity": 1},
                headers={"X-Cart-Token": tokens[w]},
            )

        # Both phases are warmed the same way (connections opened, statements prepared).
        await closed_loop("warm-up", min(200, requests), concurrency, health, (200,))
        await closed_loop("warm-up", min(200, requests), concurrency, add, (200, 201))
        health_sample = await closed_loop("GET /health", requests, concurrency, health, (200,))
        add_sample = await closed_loop("POST /cart/items", requests, concurrency, add, (200, 201))
        return health_sample, add_sample


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


# -- main -------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per phase in (a)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--shoppers", type=int, default=200)
    parser.add_argument("--units", type=int, default=50)
    return parser.parse_args(argv)


def run(args: argparse.Namespace, db_url: str) -> int:
    """Start the processes, run both phases, print the figures; 1 on oversell or failure."""
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
        api_proc = start_server(
            "commerce_api", "127.0.0.1", port, env, "/health", log=work / "api.log"
        )
        stack.callback(stop_process, api_proc)
        print(
            f"commerce API on PostgreSQL, 1 uvicorn worker; {os.cpu_count()} CPUs "
            "(a shared machine varies: compare ratios, not absolutes)"
        )
        print(
            f"\n(a) add-to-cart vs /health: {args.requests} requests each, "
            f"{args.concurrency} concurrent, same client"
        )
        print(
            "  /health answers without the database; each add puts 1 unit into one of "
            f"{args.concurrency} existing carts\n  (one per worker, up to {CART_PRODUCTS} lines): "
            "lock the cart, read its lines and the item, write one line, commit"
        )
        health, add = asyncio.run(bench_add_to_cart(api, args.requests, args.concurrency))
        ratio = add.rate / health.rate if health.rate else 0.0
        print(health.line())
        print(add.line())
        verdict = "met" if ratio >= 0.40 else "MISSED"
        print(f"  add-to-cart / health throughput: {ratio:.0%}  (target >= 40%: {verdict})")

        print(f"\n(b) {args.shoppers} shoppers race to check out {args.units} units")
        race = asyncio.run(bench_race(api, fake, args.shoppers, args.units))
        print(race.sample.line())
        print(
            f"  checkouts opened {race.sample.ok}, refused (sold out) {race.refused}, "
            f"failed {race.sample.errors}"
        )
        print(f"  completed orders/s: {race.sample.rate:.1f}   p99 {race.sample.pct(99):.1f} ms")
        print(f"  after paying: {race.states}; stock left {race.stock_left}")
        sold = race.states.get("paid", 0) + race.states.get("pending", 0)
        oversold = max(0, sold - args.units)
        print(f"  oversold: {oversold}  (must be 0)")
        failed = add.errors or health.errors or race.sample.errors
        return 1 if oversold or failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    name = f"ra_bench_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        print(f"PostgreSQL does not answer at {urlsplit(ADMIN_DSN).netloc}: {exc}")
        return 1
    try:
        return run(args, database_url(name))
    except RuntimeError as exc:
        print(f"error: {exc}")
        return 1
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        print(f"dropped database {name}")


if __name__ == "__main__":
    sys.exit(main())
