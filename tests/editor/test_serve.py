"""make serve: builds into its own folder, prints where local mail is, and stops every process
it started on SIGINT, SIGTERM or SIGHUP (and on two signals), leaving every port free."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO_ROOT, free_port
from tests.editor.conftest import port_is_free

SAMPLE = REPO_ROOT / "content"


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One content copy and build folder for every run (later builds are unchanged ones)."""
    root = tmp_path_factory.mktemp("serve")
    shutil.copytree(SAMPLE, root / "content")
    return root


def _start(workspace: Path) -> tuple[subprocess.Popen[str], dict[str, int], list[str]]:
    ports = {name: free_port() for name in ("static", "api", "federation", "sumup")}
    proc = subprocess.Popen(
        [sys.executable, "scripts/serve_stack.py", "--content", str(workspace / "content"),
         "--build", str(workspace / "site"), "--var", str(workspace / "var"),
         *(f"--{name}-port={port}" for name, port in ports.items())],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
    )  # fmt: skip
    assert proc.stdout is not None
    seen = []
    deadline = time.monotonic() + 300
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("Ctrl-C stops everything"):
            return proc, ports, seen
        assert time.monotonic() < deadline, seen
    raise AssertionError(f"serve exited: {seen} {proc.stderr.read() if proc.stderr else ''}")


@pytest.mark.parametrize(
    "signals",
    [[signal.SIGINT], [signal.SIGTERM], [signal.SIGHUP], [signal.SIGTERM, signal.SIGTERM]],
    ids=["SIGINT", "SIGTERM", "SIGHUP", "SIGTERM-twice"],
)
def test_each_signal_stops_everything_and_frees_every_port(
    workspace: Path, signals: list[signal.Signals]
) -> None:
    proc, ports, _ = _start(workspace)
    try:
        children = _children(proc.pid)
        assert len(children) >= 3  # fake SumUp, commerce API, federation server
        api = f"http://127.0.0.1:{ports['api']}"
        mail = httpx.get(f"{api}/_dev/mail", timeout=10)
        assert mail.status_code == 200 and "Local mail" in mail.text
        site = httpx.get(f"http://127.0.0.1:{ports['static']}/", timeout=10)
        assert site.status_code == 200
        assert f"http://127.0.0.1:{ports['static']}/" in site.text  # local URLs
        for signum in signals:
            proc.send_signal(signum)
            time.sleep(0.2)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and err.rstrip().endswith("stopped")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not [pid for pid in children if _alive(pid)]
    assert all(port_is_free(port) for port in ports.values()), ports


def test_it_builds_into_its_own_folder_and_prints_the_mailbox(workspace: Path) -> None:
    build_dir = REPO_ROOT / "build"
    before = build_dir.stat().st_mtime_ns if build_dir.exists() else None
    proc, ports, seen = _start(workspace)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60)
    assert (workspace / "site" / "index.html").is_file()
    assert (build_dir.stat().st_mtime_ns if build_dir.exists() else None) == before
    assert proc.returncode == 0
    mailbox = f"  local mail    http://127.0.0.1:{ports['api']}/_dev/mail"
    assert any(line.startswith(mailbox) for line in seen), seen
    assert seen[0].startswith(f"[1/4] building {workspace / 'content'} into ")
