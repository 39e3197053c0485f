"""A private PostgreSQL 15 cluster for tests that restart the database.

The machine's shared server (127.0.0.1:5432) is used by every other test and must never be
restarted, so a fault test that needs PostgreSQL to go away starts its own: ``initdb`` into a
temporary directory, its own free loopback port, its unix socket in that directory. PostgreSQL
refuses to run as root, so as root the cluster belongs to the ``postgres`` system user (the
Debian package creates it) and every command runs through ``runuser``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _require_tools() -> None:
    missing = [tool for tool in ("initdb", "pg_ctl") if not (BIN / tool).exists()]
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        missing.append("runuser")
    if not missing:
        return
    message = f"PostgreSQL 15 server tools missing: {', '.join(missing)} (in {BIN})"
    if os.environ.get("CI"):
        pytest.fail(message + " (.ci/run installs postgresql-15)")
    pytest.skip(message)


class PrivatePostgres:
    """``initdb`` + ``pg_ctl start/restart/stop`` on a cluster nobody else uses."""

    def __init__(self) -> None:
        _require_tools()
        self.root = Path(tempfile.mkdtemp(prefix="ra_pg_"))
        self.data = self.root / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            self.root.chmod(0o755)
            shutil.chown(self.root, user="postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(BIN / tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}):\n{done.stdout}{done.stderr}")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root}"
        self._run(
            "pg_ctl",
            action,
            "-D",
            str(self.data),
            "-w",
            "-t",
            "30",
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            *extra,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """A fast restart: every open connection is cut, the server is back within seconds."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started private cluster, stopped and deleted after the test."""
    cluster = PrivatePostgres()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.close()
