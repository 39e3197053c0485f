"""``serve --workers N``: N processes answer on one port, sharing the database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.commerce import catalogs
from tests.commerce.conftest import stop
from tests.conftest import REPO_ROOT, free_port, wait_until_up


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_two_workers_answer_and_share_the_cart(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    catalog = catalogs.write(tmp_path / "catalog.json", catalogs.sample())
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SUMUP_", "DATABASE_"))},
        "DATABASE_URL": database_url,
        "SITE_URL": "https://rose-ash.example.coop",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    log = tmp_path / "api.log"
    command = [sys.executable, "-m", "commerce_api", "serve", "--port", str(port)]
    command += ["--migrate", "--catalog", str(catalog), "--workers", "2"]
    proc = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/health", proc, log, timeout=60)
        workers = [p for p in _children(proc.pid) if b"spawn" in _cmdline(p)]
        assert len(workers) == 2, log.read_text()
        with httpx.Client(base_url=url, timeout=20) as client:
            made = client.post("/cart/items", json={"item_id": "product:plum-jam"})
            assert made.status_code == 201
            token = made.json()["token"]
            for _ in range(6):  # whichever worker answers sees the same cart
                cart = httpx.get(f"{url}/cart", headers={"X-Cart-Token": token}).json()
                assert [line["item_id"] for line in cart["lines"]] == ["product:plum-jam"]
    finally:
        stop(proc)
