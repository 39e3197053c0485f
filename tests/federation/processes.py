"""Real server processes for tests: ``python -m federation_server serve`` (and ``deliver``)
on an ephemeral loopback port, with helpers to wait for what they do."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

from federation_server.services.publish import publish_build_dir
from federation_server.settings import Settings
from tests.conftest import REPO_ROOT, free_port, wait_until_up

AP = "application/activity+json"
WAIT_SECONDS = 60.0


class Instance:
    """One federation server process (``python -m federation_server serve``)."""

    def __init__(
        self,
        actor: str,
        database_url: str,
        log: Path,
        *,
        serve_args: Sequence[str] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.actor = actor
        self.actor_id = f"{self.base}/actors/{actor}"
        self.database_url = database_url
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.serve_args = list(serve_args)
        self.env = {
            **os.environ,
            "PUBLIC_URL": self.base,
            "SITE_URL": "https://rose-ash.example.coop",
            "DATABASE_URL": database_url,
            "FEDERATION_ACTORS": actor,
            "FEDERATION_ALLOW_PRIVATE_ADDRESSES": "1",
            "FEDERATION_DELIVERY_RETRY_BASE_SECONDS": "0.2",
            "FEDERATION_DELIVERY_POLL_SECONDS": "0.1",
            "PYTHONPATH": str(REPO_ROOT),
            **(env or {}),
        }

    def start(self) -> None:
        self.spawn()
        self.wait_ready()

    def spawn(self) -> None:
        command = [sys.executable, "-m", "federation_server", "serve", "--host", "127.0.0.1",
                   "--port", str(self.port), "--log-level", "warning"]  # fmt: skip
        command.extend(self.serve_args)
        self.process = self.popen(command)

    def popen(self, command: Sequence[str]) -> subprocess.Popen[bytes]:
        """Start ``command`` with this instance's environment, output to its log."""
        with self.log.open("ab") as log:
            return subprocess.Popen(
                command, env=self.env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT
            )

    def spawn_deliver(self) -> subprocess.Popen[bytes]:
        """``python -m federation_server deliver``: the background worker on its own."""
        return self.popen([sys.executable, "-m", "federation_server", "deliver"])

    def wait_ready(self) -> None:
        assert self.process is not None
        wait_until_up(f"{self.base}/health", self.process, self.log, WAIT_SECONDS)

    def stop(self) -> None:
        if self.process is not None:
            terminate(self.process)
        self.process = None

    def publish_command(self, build_dir: Path) -> str:
        """``python -m federation_server publish BUILD_DIR`` as its own process."""
        result = subprocess.run(
            [sys.executable, "-m", "federation_server", "publish", str(build_dir)],
            env=self.env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    async def publish(self, build_dir: Path) -> str:
        """The same publish, in this process (quicker than starting Python again)."""
        settings = Settings.from_env(self.env)
        return (await publish_build_dir(settings, build_dir)).summary()


async def eventually(check: Callable[[], Any], what: str) -> Any:
    """Poll ``check`` (async) until it returns something truthy."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        result = await check()
        if result:
            return result
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def collection_items(client: httpx.AsyncClient, url: str) -> list[Any]:
    head = (await client.get(url, headers={"Accept": AP})).json()
    if not head["totalItems"]:
        return []
    return (await client.get(head["first"], headers={"Accept": AP})).json()["orderedItems"]


def terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it does not exit within 10 seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
