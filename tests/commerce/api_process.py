"""The shop API as a real process (``python -m commerce_api serve``) for end-to-end and fault
tests, and the one cart step they all take."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.commerce import catalogs
from tests.commerce.conftest import API_KEY, MERCHANT, stop
from tests.conftest import REPO_ROOT, free_port, wait_until_up

SITE = "https://rose-ash.example.coop"


class ApiProcess:
    """``python -m commerce_api serve --migrate --catalog ...`` that can be restarted."""

    def __init__(self, database_url: str, sumup_url: str, workdir: Path, **extra_env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.catalog = catalogs.write(workdir / "catalog.json", catalogs.sample())
        self.log = workdir / "api.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SUMUP_", "DATABASE_"))},
            "DATABASE_URL": database_url,
            "SITE_URL": SITE,
            "PUBLIC_URL": self.url,
            "SUMUP_API_URL": sumup_url,
            "SUMUP_API_KEY": API_KEY,
            "SUMUP_MERCHANT_CODE": MERCHANT,
            "SUMUP_TIMEOUT_SECONDS": "3",
            **extra_env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = [sys.executable, "-m", "commerce_api", "serve", "--host", "127.0.0.1"]
        cmd += ["--port", str(self.port), "--migrate", "--catalog", str(self.catalog)]
        self.proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT
        )
        wait_until_up(f"{self.url}/health", self.proc, self.log)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "commerce_api", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )


def add(client: httpx.Client, item_id: str, quantity: int) -> dict[str, Any]:
    response = client.post("/cart/items", json={"item_id": item_id, "quantity": quantity})
    assert response.status_code in (200, 201), response.text
    return response.json()


def wait_for(check: Any, what: str, attempts: int = 400) -> Any:
    """Poll ``check()`` until it returns something truthy (background work on a server)."""
    for _ in range(attempts):
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError(f"never saw {what}")
