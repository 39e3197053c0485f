"""Two of everything behind Caddy (``deploy/Caddyfile``), on one PostgreSQL server.

Everything a visitor, a shopper or a fediverse server does here goes through the proxy:
the static site with its precompressed files and cache headers, a checkout race split over two
API processes, a fan-out shared by two delivery workers, and sign-in sessions and throttles
that must hold whichever API process answers.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from commerce_api.db import Database
from commerce_api.db.models import OrderLine
from federation_server.db.engine import create_database
from federation_server.delivery.models import Delivery
from tests.deploy.stack import FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS, Stack, running_stack
from tests.federation.fixtures import RemoteServer, verify_as_peer

pytestmark = pytest.mark.slow

AP = "application/activity+json"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("deploy")) as running:
        yield running


# --- the static site ---------------------------------------------------------------------


def header_rules(build: Path) -> list[tuple[str, dict[str, str]]]:
    """``build/_headers`` (the policy docs/cdn.md describes) as (pattern, headers)."""
    rules: list[tuple[str, dict[str, str]]] = []
    for line in (build / "_headers").read_text().splitlines():
        if line and not line[0].isspace():
            rules.append((line.strip(), {}))
        elif line.strip():
            name, value = line.strip().split(":", 1)
            rules[-1][1][name.strip().lower()] = value.strip()
    return rules


def expected_headers(rules: list[tuple[str, dict[str, str]]], path: str) -> dict[str, str]:
    matches = [
        headers
        for pattern, headers in rules
        if (pattern.endswith("/*") and path.startswith(pattern[:-1])) or pattern == path
    ]
    assert len(matches) == 1, f"{path} matches {len(matches)} rules of _headers"
    return matches[0]


def raw_get(url: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """GET without decoding, so the bytes can be compared with the files on disk (no
    compression unless ``Accept-Encoding`` is given)."""
    headers = {"Accept-Encoding": "identity", **headers}
    with httpx.Client(timeout=10) as client, client.stream("GET", url, headers=headers) as r:
        return r, b"".join(r.iter_raw())


def test_the_site_is_served_precompressed_with_the_cache_policy_of_the_build(stack: Stack) -> None:
    build, rules = stack.build, header_rules(stack.build)
    css = next((build / "theme" / "css").glob("site.*.css")).relative_to(build)
    image = next(p for p in (build / "images").iterdir() if p.suffix == ".png").relative_to(build)
    samples = {
        "/": "index.html",
        "/blog/": "blog/index.html",
        f"/{css}": str(css),
        "/_data/catalog.json": "_data/catalog.json",
        "/sitemap.xml": "sitemap.xml",
    }
    for path, file in samples.items():
        plain = (build / file).read_bytes()
        for encoding, twin in (("br", ".br"), ("gzip", ".gz"), ("identity", "")):
            response, body = raw_get(stack.site_url + path, **{"Accept-Encoding": encoding})
            assert response.status_code == 200, path
            assert body == (build / (file + twin)).read_bytes() if twin else plain, (path, encoding)
            assert response.headers.get("content-encoding", "identity") == encoding
            for name, value in expected_headers(rules, path).items():
                assert response.headers.get(name) == value, (path, name)

    # A hashed image is immutable; HTML revalidates with its ETag and costs a 304.
    response, body = raw_get(f"{stack.site_url}/{image}")
    assert body == (build / image).read_bytes()
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    first, _ = raw_get(stack.site_url + "/", **{"Accept-Encoding": "br"})
    again, _ = raw_get(
        stack.site_url + "/", **{"Accept-Encoding": "br", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304

    # A missing page is the site's own 404 page, never cached for long (not even under the
    # immutable /theme/); the build's _headers file is not published.
    for path in ("/no-such-page/", "/_headers", "/theme/css/site.00000000.css"):
        missing, body = raw_get(stack.site_url + path)
        assert missing.status_code == 404
        assert body == (build / "404.html").read_bytes()
        assert missing.headers["cache-control"] == "public, max-age=0, must-revalidate"


def test_paths_and_hosts_reach_the_right_server(stack: Stack) -> None:
    actor = httpx.get(f"{stack.site_url}/actors/blog", headers={"Accept": AP}, timeout=10)
    assert actor.status_code == 200
    assert actor.json()["id"] == f"{stack.site_url}/actors/blog"
    catalog = httpx.get(f"{stack.shop_url}/catalog", timeout=10)
    assert catalog.status_code == 200 and catalog.json()
    # The site's own /account/ page and the API's /account/... live on different hosts.
    page = httpx.get(f"{stack.site_url}/account/", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert httpx.get(f"{stack.site_url}/catalog", timeout=10).status_code == 404


# --- the shop -----------------------------------------------------------------------------


def scarcest_product(build: Path) -> tuple[str, int]:
    items = json.loads((build / "_data" / "catalog.json").read_text())["items"]
    stocked = [(i["stock"], i["id"]) for i in items if i["kind"] == "product" and i.get("stock")]
    stock, item_id = min(stocked)
    return item_id, stock


async def units_sold(database_url: str, item_id: str) -> int:
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            sold = await session.scalar(
                select(func.coalesce(func.sum(OrderLine.quantity), 0)).where(
                    OrderLine.item_id == item_id
                )
            )
    finally:
        await db.dispose()
    return int(sold or 0)


def test_a_checkout_race_over_two_api_processes_never_oversells(stack: Stack) -> None:
    item_id, stock = scarcest_product(stack.build)
    shoppers = stock + 8

    async def race() -> list[int]:
        async with httpx.AsyncClient(base_url=stack.shop_url, timeout=60) as client:
            tokens = []
            for _ in range(shoppers):
                client.cookies.clear()
                cart = await client.post("/cart/items", json={"item_id": item_id, "quantity": 1})
                assert cart.status_code == 201, cart.text
                tokens.append(cart.json()["token"])
            client.cookies.clear()
            answers = await asyncio.gather(
                *(
                    client.post(
                        "/checkout",
                        headers={"X-Cart-Token": t, "Idempotency-Key": uuid.uuid4().hex},
                    )
                    for t in tokens
                )
            )
            return [a.status_code for a in answers]

    statuses = asyncio.run(race())
    assert sorted(statuses) == [201] * stock + [409] * (shoppers - stock)
    for url in (stack.shop_url, *stack.api_urls):  # every process sees the same stock
        assert httpx.get(f"{url}/catalog/{item_id}", timeout=10).json()["available"] == 0
    assert asyncio.run(units_sold(stack.commerce_db, item_id)) == stock
    assert len(stack.fake_sumup.checkouts()) == stock


# --- sign-in ------------------------------------------------------------------------------


def add_member(stack: Stack, email: str) -> None:
    stack.processes.run(
        "users-add",
        [
            sys.executable,
            "-m",
            "commerce_api",
            "users",
            "add",
            "--email",
            email,
            "--password-stdin",
        ],
        stack.commerce_env,
        stdin=PASSWORD + "\n",
    )


def session_status(url: str, cookie: str) -> int:
    response = httpx.get(f"{url}/account/session", cookies={"ra_session": cookie}, timeout=10)
    return response.status_code


def sign_in(client: httpx.Client, email: str, password: str = PASSWORD, **headers: str) -> Any:
    return client.post(
        "/account/signin", json={"email": email, "password": password}, headers=headers
    )


def test_sessions_and_sign_in_throttles_hold_across_both_api_processes(stack: Stack) -> None:
    add_member(stack, "ann@example.org")
    add_member(stack, "bob@example.org")
    with httpx.Client(base_url=stack.shop_url, timeout=30) as browser:
        signed_in = sign_in(browser, "ann@example.org")
        assert signed_in.status_code == 200, signed_in.text
        csrf, cookie = signed_in.json()["csrf_token"], browser.cookies["ra_session"]
        # Round robin: these alternate between the processes; each knows the session.
        assert [browser.get("/account/session").status_code for _ in range(4)] == [200] * 4
        assert [session_status(url, cookie) for url in stack.api_urls] == [200, 200]
        for n, url in enumerate(stack.api_urls):  # a change on one process shows on the other
            name = f"Ann {n}"
            changed = httpx.patch(
                f"{url}/account/profile",
                json={"display_name": name},
                headers={"X-CSRF-Token": csrf},
                cookies={"ra_session": cookie},
                timeout=10,
            )
            assert changed.status_code == 200, changed.text
            other = stack.api_urls[1 - n]
            seen = httpx.get(f"{other}/account/profile", cookies={"ra_session": cookie}, timeout=10)
            assert seen.json()["display_name"] == name
        assert browser.post("/account/signout", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert [session_status(url, cookie) for url in stack.api_urls] == [401, 401]

        # Failures for one account are counted wherever they land; then even the right
        # password waits, on every process.
        browser.cookies.clear()
        wrong = [sign_in(browser, "bob@example.org", "wrong").status_code for _ in range(3)]
        assert wrong == [401] * FAILURES_PER_ACCOUNT
        assert sign_in(browser, "bob@example.org").status_code == 429
        for url in stack.api_urls:
            with httpx.Client(base_url=url, timeout=30) as direct:
                limited = sign_in(direct, "bob@example.org")
                assert limited.status_code == 429
                assert limited.headers["content-type"].startswith("application/problem+json")

        # Per address: a client cannot spread its failures by claiming other addresses in
        # X-Forwarded-For (Caddy replaces it with the peer address the API then trusts).
        spread = FAILURES_PER_ADDRESS - FAILURES_PER_ACCOUNT
        claimed = [
            sign_in(
                browser, f"nobody{n}@example.org", "wrong", **{"X-Forwarded-For": f"203.0.113.{n}"}
            ).status_code
            for n in range(spread)
        ]
        assert claimed == [401] * spread
        assert sign_in(browser, "ann@example.org").status_code == 429


# --- federation ---------------------------------------------------------------------------


def blog_object_count(build: Path) -> int:
    manifest = json.loads((build / "_data" / "activitystreams.json").read_text())
    return sum(1 for entry in manifest["objects"] if entry["section"] == "blog")


async def pending_deliveries(database_url: str) -> int:
    database = create_database(database_url)
    try:
        async with database.session() as session:
            count = await session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.status != "delivered")
            )
    finally:
        await database.dispose()
    return int(count or 0)


def creates_by_inbox(*servers: RemoteServer) -> Counter[tuple[str, str]]:
    """(inbox URL, object id) of every Create received."""
    seen: Counter[tuple[str, str]] = Counter()
    for server in servers:
        for path, _headers, body in list(server.posts):
            activity = json.loads(body)
            if activity.get("type") == "Create":
                seen[(server.base + path, activity["object"]["id"])] += 1
    return seen


def wait(check: Any, what: str, seconds: float = 90.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_fan_out_shared_by_two_workers_delivers_each_create_once(stack: Stack) -> None:
    inbox = f"{stack.site_url}/actors/blog/inbox"
    with RemoteServer() as shared, RemoteServer() as personal:
        followers = [shared.add_actor(f"s{n}") for n in range(3)]
        for n in range(3):  # a server without a shared inbox: one POST per follower
            actor = personal.add_actor(f"p{n}")
            personal.documents[f"/users/p{n}"].pop("endpoints")
            followers.append(actor)
        for n, actor in enumerate(followers):
            follow = {"id": f"{actor.id}/follows/{n}", "type": "Follow", "actor": actor.id,
                      "object": f"{stack.site_url}/actors/blog"}  # fmt: skip
            body, headers = actor.signed(inbox, follow)
            answer = httpx.post(inbox, content=body, headers=headers, timeout=10)
            assert answer.status_code == 202, answer.text

        def follower_ids() -> set[str]:
            url = f"{stack.site_url}/actors/blog/followers"
            head = httpx.get(url, headers={"Accept": AP}, timeout=10).json()
            if head["totalItems"] < len(followers):
                return set()
            return set(httpx.get(head["first"], headers={"Accept": AP}, timeout=10).json()[
                "orderedItems"
            ])  # fmt: skip

        assert wait(follower_ids, "the workers to accept every Follow") == {a.id for a in followers}

        stack.processes.run(
            "publish",
            [sys.executable, "-m", "federation_server", "publish", str(stack.build)],
            stack.federation_env,
        )
        inboxes = {shared.base + "/inbox"} | {a.inbox for a in followers[3:]}
        posts = blog_object_count(stack.build)

        def all_delivered() -> bool:
            got = creates_by_inbox(shared, personal)
            done = len(got) == posts * len(inboxes)
            return done and asyncio.run(pending_deliveries(stack.federation_db)) == 0

        wait(all_delivered, "every Create to reach every inbox")
        time.sleep(1.0)  # a duplicate would arrive now, after the queue looked empty
        got = creates_by_inbox(shared, personal)
        assert {inbox for inbox, _ in got} == inboxes
        assert set(got.values()) == {1}, [k for k, v in got.items() if v > 1]
        assert len(got) == posts * len(inboxes)

        # Each signature checks out as the receiving server would check it: by fetching our
        # key through the proxy.
        path, headers, body = next(p for p in shared.posts if b'"Create"' in p[2])
        verdict, _ = asyncio.run(verify_as_peer(shared, path, headers, body))
        assert verdict.ok, verdict.reason
        assert verdict.owner == f"{stack.site_url}/actors/blog"
    assert sorted(stack.processes.alive()) == sorted(
        ["commerce-0", "commerce-1", "federation-0", "federation-1", "deliver-0", "deliver-1",
         "caddy"]
    )  # fmt: skip
