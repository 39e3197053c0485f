"""The production shape on loopback: Caddy with ``deploy/Caddyfile`` in front of two commerce
API processes, two federation server processes and two ``deliver`` workers, all on one
PostgreSQL server (a database per service), with the fake SumUp as the payment provider.

Every part is a real process started the way ``deploy/systemd`` starts it; only the addresses
differ (``http://127.0.0.1:PORT`` site addresses, so Caddy does no automatic HTTPS).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from commerce_api.fake_sumup import FakeSumUpProcess
from tests.conftest import POSTGRES_ADMIN_DSN, REPO_ROOT, _require_postgres, _run_admin, free_port

CADDYFILE = REPO_ROOT / "deploy" / "Caddyfile"
UNITS = REPO_ROOT / "deploy" / "systemd"
WAIT_SECONDS = 60.0
SECRET_KEY = "one-secret-shared-by-every-api-process"
#: Sign-in limits low enough to reach in a few requests.
FAILURES_PER_ACCOUNT = 3
FAILURES_PER_ADDRESS = 6


def caddy_binary() -> str:
    """Debian's ``caddy``; missing, the test skips locally and fails in CI."""
    found = shutil.which("caddy")
    if found:
        return found
    message = "caddy is missing (apt-get install caddy)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run the deployment test")
    pytest.skip(message)


def unit_command(unit: str, instance: int | str, build: Path) -> list[str]:
    """The ``ExecStart`` of ``deploy/systemd/<unit>`` for ``instance``, with this checkout's
    Python and build folder: the test runs exactly what the units run."""
    text = (UNITS / unit).read_text()
    [line] = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    argv = shlex.split(line.removeprefix("ExecStart=").replace("%i", str(instance)))
    assert argv[0] == "/srv/rose-ash/app/.venv/bin/python", argv
    return [sys.executable] + [a.replace("/srv/rose-ash/build", str(build)) for a in argv[1:]]


@contextlib.contextmanager
def postgres_databases(*names: str) -> Iterator[dict[str, str]]:
    """Fresh databases on the one PostgreSQL server; yields name -> asyncpg URL."""
    _require_postgres()
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    made = {name: f"ra_deploy_{name}_{uuid.uuid4().hex[:8]}" for name in names}
    for database in made.values():
        _run_admin(f'CREATE DATABASE "{database}"')
    try:
        yield {name: f"{base}/{database}" for name, database in made.items()}
    finally:
        for database in made.values():
            _run_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@dataclass
class Processes:
    """Children started with their output in one log each; stopped in reverse order."""

    logs: Path
    children: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(
        self, name: str, command: Sequence[str], env: dict[str, str]
    ) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as log:
            proc = subprocess.Popen(
                list(command), cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.children.append((name, proc))
        return proc

    def run(self, name: str, command: Sequence[str], env: dict[str, str], stdin: str = "") -> str:
        done = subprocess.run(
            list(command), cwd=REPO_ROOT, env=env, input=stdin, capture_output=True, text=True,
            timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def wait_for(self, name: str, url: str, ok: int = 200) -> None:
        proc = dict(self.children).get(name)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"{name} exited:\n{self.tail(name)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url, timeout=2).status_code == ok:
                    return
            time.sleep(0.1)
        raise AssertionError(f"{url} ({name}) did not answer {ok}:\n{self.tail(name)}")

    def tail(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def alive(self) -> list[str]:
        return [name for name, proc in self.children if proc.poll() is None]

    def stop_all(self) -> None:
        for _name, proc in reversed(self.children):
            if proc.poll() is None:
                proc.terminate()
        for _name, proc in reversed(self.children):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


@dataclass
class Stack:
    site_url: str
    shop_url: str
    build: Path
    commerce_db: str
    federation_db: str
    api_urls: list[str]
    federation_urls: list[str]
    commerce_env: dict[str, str]
    federation_env: dict[str, str]
    fake_sumup: FakeSumUpProcess
    processes: Processes


def build_site(output: Path, site_url: str, shop_url: str) -> Path:
    """``make build`` with the site's URLs on the proxy (as a deployment builds)."""
    env = {**os.environ, "SITE_URL": site_url, "COMMERCE_URL": shop_url}
    env.pop("RA_DISABLE_PLUGINS", None)
    done = subprocess.run(
        [sys.executable, "site/build_site.py", "--content", "content", "--output", str(output)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return output


@contextlib.contextmanager
def running_stack(workdir: Path) -> Iterator[Stack]:
    caddy = caddy_binary()
    site_port, shop_port = free_port(), free_port()
    site_url, shop_url = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{shop_port}"
    api_ports = [free_port(), free_port()]
    federation_ports = [free_port(), free_port()]
    build = build_site(workdir / "build", site_url, shop_url)
    logs = workdir / "logs"
    logs.mkdir()
    processes = Processes(logs)
    python = sys.executable
    with (
        postgres_databases("commerce", "federation") as databases,
        FakeSumUpProcess() as fake,
    ):
        commerce_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SUMUP_", "DATABASE_"))},
            "DATABASE_URL": databases["commerce"],
            "SITE_URL": site_url,
            "PUBLIC_URL": shop_url,
            "ALLOWED_ORIGINS": site_url,
            "SECRET_KEY": SECRET_KEY,
            "SUMUP_API_URL": fake.url,
            "SUMUP_API_KEY": "sk_test_deploy",
            "SUMUP_MERCHANT_CODE": "MDEPLOY1",
            "SUMUP_TIMEOUT_SECONDS": "5",
            "SIGNIN_FAILURES_PER_ACCOUNT": str(FAILURES_PER_ACCOUNT),
            "SIGNIN_FAILURES_PER_ADDRESS": str(FAILURES_PER_ADDRESS),
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_KIB": "8192",
            "ARGON2_PARALLELISM": "1",
            "PYTHONUNBUFFERED": "1",
        }
        federation_env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")},
            "DATABASE_URL": databases["federation"],
            "PUBLIC_URL": site_url,
            "SITE_URL": site_url,
            "FEDERATION_ACTORS": "blog,events,market",
            "FEDERATION_ALLOW_PRIVATE_ADDRESSES": "1",
            "FEDERATION_RUN_INBOX_PROCESSOR": "0",
            "FEDERATION_DELIVERY_RETRY_BASE_SECONDS": "0.2",
            "FEDERATION_DELIVERY_POLL_SECONDS": "0.1",
            "PYTHONUNBUFFERED": "1",
        }
        caddy_env = {
            **os.environ,
            "SITE_ADDRESS": site_url,
            "SHOP_ADDRESS": shop_url,
            "SITE_ROOT": str(build),
            "CADDY_ADMIN": "off",
            "CADDY_BIND": "127.0.0.1",
            "COMMERCE_UPSTREAMS": " ".join(f"127.0.0.1:{p}" for p in api_ports),
            "FEDERATION_UPSTREAMS": " ".join(f"127.0.0.1:{p}" for p in federation_ports),
            "XDG_DATA_HOME": str(workdir / "caddy-data"),
            "XDG_CONFIG_HOME": str(workdir / "caddy-config"),
        }
        catalog = str(build / "_data" / "catalog.json")
        try:
            # Upgrades run the migrations once, before any process serves (docs/deploy.md).
            processes.run(
                "commerce-migrate", [python, "-m", "commerce_api", "migrate"], commerce_env
            )
            processes.run(
                "commerce-sync",
                [python, "-m", "commerce_api", "sync-catalog", catalog],
                commerce_env,
            )
            processes.run(
                "federation-migrate", [python, "-m", "federation_server", "migrate"], federation_env
            )
            for n, port in enumerate(api_ports):
                processes.start(
                    f"commerce-{n}",
                    unit_command("rose-ash-commerce@.service", port, build),
                    commerce_env,
                )
            for n, port in enumerate(federation_ports):
                processes.start(
                    f"federation-{n}",
                    unit_command("rose-ash-federation@.service", port, build),
                    federation_env,
                )
            for n in range(2):
                processes.start(
                    f"deliver-{n}",
                    unit_command("rose-ash-deliver@.service", n, build),
                    federation_env,
                )
            processes.start(
                "caddy", [caddy, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
                caddy_env,
            )  # fmt: skip
            for n, port in enumerate(api_ports):
                processes.wait_for(f"commerce-{n}", f"http://127.0.0.1:{port}/health")
            for n, port in enumerate(federation_ports):
                processes.wait_for(f"federation-{n}", f"http://127.0.0.1:{port}/health")
            processes.wait_for("caddy", f"{site_url}/")
            processes.wait_for("caddy", f"{shop_url}/health")
            yield Stack(
                site_url=site_url,
                shop_url=shop_url,
                build=build,
                commerce_db=databases["commerce"],
                federation_db=databases["federation"],
                api_urls=[f"http://127.0.0.1:{p}" for p in api_ports],
                federation_urls=[f"http://127.0.0.1:{p}" for p in federation_ports],
                commerce_env=commerce_env,
                federation_env=federation_env,
                fake_sumup=fake,
                processes=processes,
            )
        finally:
            processes.stop_all()
