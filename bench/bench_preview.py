"""Edit-to-page time of ``make preview`` on the bench corpus: write a post, wait until the
served page shows the edit.

    python bench/bench_preview.py [--posts 1000] [--edits 5] [--keep DIR]

Starts the preview process on a generated corpus (``make_corpus.py``), waits for its first
build, then edits posts one at a time. For each edit it prints the wall time from the file
write to the served page showing the new sentence, and the preview process's CPU time
(user + system, from ``/proc``) over the same span. The load average is printed too: the
machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus

REPO = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (its threads and finished workers included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / TICKS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.01)
    return False


def version(base: str) -> int:
    found = json.loads(fetch(f"{base}/__preview/status") or "{}")
    return int(found.get("version", 0))


def wait_for_build(base: str, after: int, timeout: float) -> bool:
    """Until the preview serves a build newer than ``after`` (its small status document is
    polled, not the page: the polling costs the measured process little CPU)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if version(base) > after:
            return True
        time.sleep(0.02)
    return False


def post_page(output: Path, slug: str) -> str:
    [page] = output.glob(f"blog/*/{slug}/index.html")
    return page.parent.relative_to(output).as_posix() + "/"


def run(args: argparse.Namespace, work: Path) -> int:
    corpus = make_corpus.generate(work / "src", args.posts, args.events, args.products)
    output, port = work / "preview", free_port()
    log = (work / "preview.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "editor_tools", "--content", str(corpus.content), "preview",
         "--output", str(output), "--port", str(port)],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        if not wait_for(f"{base}/__preview/status", '"version": 1', 600):
            print((work / "preview.log").read_text(), file=sys.stderr)
            return 1
        print(f"first build: {time.monotonic() - started:.1f} s wall, "
              f"{cpu_seconds(proc.pid):.1f} s CPU")  # fmt: skip
        walls, cpus = [], []
        for edit in range(args.edits):
            path = corpus.post_path((edit * 137 + 11) % corpus.posts)
            url = f"{base}/{post_page(output, path.stem)}"
            note = f"Preview bench edit {edit} at {time.time():.0f}."
            seen = version(base)
            cpu = cpu_seconds(proc.pid)
            written = time.monotonic()
            make_corpus.edit_post(path, note)
            if not (wait_for_build(base, seen, 300) and note in fetch(url)):
                print(f"edit {edit}: not shown in 300 s", file=sys.stderr)
                return 1
            walls.append(time.monotonic() - written)
            cpus.append(cpu_seconds(proc.pid) - cpu)
            print(f"edit {edit} ({path.name}): {walls[-1]:.3f} s wall, {cpus[-1]:.3f} s CPU")
            time.sleep(1.0)  # the next edit comes a second later
        print(f"median of {args.edits}: {statistics.median(walls):.3f} s wall, "
              f"{statistics.median(cpus):.3f} s CPU; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
        return 0
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return run(args, args.keep)
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as work:
        return run(args, Path(work))


if __name__ == "__main__":
    sys.exit(main())
