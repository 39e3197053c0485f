"""``make soak``: the production shape (tests/deploy/stack.py: Caddy, two shop API processes,
two federation servers, two delivery workers, one PostgreSQL, the fake SumUp) under mixed load
for SOAK_MINUTES (default 10): page fetches and checkouts through Caddy, signed Follows to the
blog's inbox (each one an Accept the workers deliver), and one fan-out (publish: every post as
a Create to every follower so far) after the warm-up, while the rest goes on.

Reports errors and p50/p99 per kind, and the RSS of every process (with its children) after a
warm-up and at the end. Exits 1 on any error or when a process's memory grew more than 10 %
plus 8 MB: memory must not grow under a steady load. Bounded: the load stops at the deadline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.deploy.stack import Stack, running_stack  # noqa: E402
from tests.federation.fixtures import RemoteServer  # noqa: E402

GROWTH_RATIO, GROWTH_SLACK_KB = 1.10, 8 * 1024
#: Processes that stand in for someone else's service and keep what they are sent, by design:
#: their growth is shown per stored item, not held to the rule.
STORES = {"fake-sumup": "checkout"}


def rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and every process below it (uvicorn workers, Node...)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(kids)
        frontier.extend(kids)
    total = 0
    for member in tree:
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def memory(stack: Stack) -> dict[str, int]:
    found = {name: rss_kb(proc.pid) for name, proc in stack.processes.children}
    if stack.fake_sumup.pid is not None:
        found["fake-sumup"] = rss_kb(stack.fake_sumup.pid)
    return found


class Load:
    """Threads running one kind of request each in a loop until the deadline."""

    def __init__(self, stack: Stack, remote: RemoteServer, deadline: float) -> None:
        self.stack, self.remote, self.deadline = stack, remote, deadline
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.pages = [
            "/" + str(p.relative_to(stack.build)).removesuffix("index.html")
            for p in stack.build.rglob("*.html")
        ]
        items = json.loads((stack.build / "_data" / "catalog.json").read_text())["items"]
        self.unlimited = next(
            i["id"] for i in items if i["kind"] == "product" and i.get("stock") is None
        )

    def timed(self, kind: str, call, ok: tuple[int, ...]) -> httpx.Response | None:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            response = call()
        except httpx.HTTPError as error:
            self.errors[kind].append(f"{type(error).__name__}: {error}")
            return None
        self.latency[kind].append(time.perf_counter() - start)
        if response.status_code not in ok:
            self.errors[kind].append(f"{response.status_code} {response.text[:200]}")
            return None
        return response

    def page(self, client: httpx.Client) -> None:
        path = random.choice(self.pages)
        self.timed("page", lambda: client.get(self.stack.site_url + path), (200,))

    def checkout(self, client: httpx.Client) -> None:
        client.cookies.clear()
        shop = self.stack.shop_url
        body = {"item_id": self.unlimited, "quantity": 1}
        if self.timed("cart", lambda: client.post(f"{shop}/cart/items", json=body), (201,)):
            key = {"Idempotency-Key": uuid.uuid4().hex}
            self.timed("checkout", lambda: client.post(f"{shop}/checkout", headers=key), (201,))

    def follow(self, client: httpx.Client) -> None:
        actor = self.remote.add_actor(f"soak{uuid.uuid4().hex[:10]}")
        inbox = f"{self.stack.site_url}/actors/blog/inbox"
        activity = {"id": f"{actor.id}/follows/1", "type": "Follow", "actor": actor.id,
                    "object": f"{self.stack.site_url}/actors/blog"}  # fmt: skip
        body, headers = actor.signed(inbox, activity)
        self.timed("inbox", lambda: client.post(inbox, content=body, headers=headers), (202,))

    def run(self, kind: str) -> None:
        work = {"page": self.page, "checkout": self.checkout, "follow": self.follow}[kind]
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < self.deadline:
                work(client)
                time.sleep(0.02)  # a steady load, not a flood: this measures leaks, not speed


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "10"))
    )
    args = parser.parse_args()
    seconds = args.minutes * 60
    warmup = min(60.0, seconds / 5)
    print(f"soak: {args.minutes} min, warm-up {warmup:.0f} s; load {os.getloadavg()[0]:.1f}")
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_stack(Path(tmp)) as stack,
        RemoteServer() as remote,
    ):
        load = Load(stack, remote, time.monotonic() + seconds)
        threads = [
            threading.Thread(target=load.run, args=(kind,), daemon=True)
            for kind in ("page", "page", "checkout", "checkout", "follow")
        ]
        for thread in threads:
            thread.start()
        time.sleep(warmup)
        before = memory(stack)
        # The fan-out: every post as a Create to every follower the warm-up made, under load.
        stack.processes.run(
            "publish",
            [sys.executable, "-m", "federation_server", "publish", str(stack.build)],
            stack.federation_env,
        )
        for thread in threads:
            thread.join(seconds + 120)
        after = memory(stack)
        alive = sorted(stack.processes.alive())
        delivered = Counter(
            json.loads(body).get("type", "?") for _path, _headers, body in remote.posts
        )
    failed = False
    print(f"{'kind':10} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in sorted(set(load.latency) | set(load.errors)):
        times = load.latency.get(kind, [])
        p50 = percentile(times, 50) * 1000 if times else float("nan")
        p99 = percentile(times, 99) * 1000 if times else float("nan")
        errors = load.errors.get(kind, [])
        failed |= bool(errors)
        print(f"{kind:10} {len(times):9} {len(errors):7} {p50:8.1f} {p99:8.1f}")
        for error in errors[:3]:
            print(f"    {error}")
    print(f"delivered to the remote server, by type: {dict(sorted(delivered.items()))}")
    print(f"{'process':16} {'RSS start MB':>13} {'RSS end MB':>11} {'growth':>7}")
    for name in sorted(before):
        start, end = before[name], after.get(name, 0)
        grew = end > start * GROWTH_RATIO + GROWTH_SLACK_KB
        flag = "  GREW" if grew else ""
        if name in STORES:  # SumUp's stand-in keeps every checkout, as SumUp's database does
            stored = len(load.latency.get(STORES[name], [])) or 1
            flag = f"  keeps every {STORES[name]}: {(end - start) / stored:.2f} KB each"
        else:
            failed |= grew
        print(
            f"{name:16} {start / 1024:13.1f} {end / 1024:11.1f} {end / max(start, 1):6.2f}x{flag}"
        )
    print(f"alive at the end: {', '.join(alive)}; load {os.getloadavg()[0]:.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
