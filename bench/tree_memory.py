"""Peak memory of a whole process tree (a build and its worker processes), sampled from /proc.

    python bench/tree_memory.py COMMAND [ARG ...]

``wait4``'s ``ru_maxrss`` is the largest single process's peak, not the build's: forked
workers add their own pages (and share the parent's). This samples every process of the
tree every ``interval`` seconds and keeps the highest sum of PSS (proportional set size:
a page shared by n processes counts 1/n in each, so the sum is the memory the tree really
holds) and of RSS (shared pages counted in each process: an upper bound). A peak shorter than
the interval can be missed; the figure is a floor, ``ru_maxrss`` of the root another one.
Linux only (``/proc/PID/smaps_rollup``).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass
class Peak:
    """The highest sums seen, in MB."""

    pss_mb: float = 0.0
    rss_mb: float = 0.0
    processes: int = 0


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (every thread's list)."""
    found: list[int] = []
    try:
        for task in (PROC / str(pid) / "task").iterdir():
            with (task / "children").open() as handle:
                found += [int(part) for part in handle.read().split()]
    except OSError:
        pass  # the process ended meanwhile
    return found


def tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo and len(pids) < 10_000:
        pid = todo.pop()
        pids.append(pid)
        todo += children(pid)
    return pids


def rollup(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of ``pid`` in kB; zeros when it has ended."""
    pss = rss = 0
    try:
        with (PROC / str(pid) / "smaps_rollup").open() as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


class TreeSampler:
    """Samples ``root``'s tree in a thread from ``start()`` until ``stop()``."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        self.root, self.interval = root, interval
        self.peak = Peak()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> TreeSampler:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def sample(self) -> None:
        pids = tree(self.root)
        sums = [rollup(pid) for pid in pids]
        pss, rss = sum(s[0] for s in sums) / 1024, sum(s[1] for s in sums) / 1024
        peak = self.peak
        if pss > peak.pss_mb:
            peak.pss_mb, peak.processes = pss, len([s for s in sums if s[1]])
        peak.rss_mb = max(peak.rss_mb, rss)

    def stop(self) -> Peak:
        self._done.set()
        self._thread.join()
        return self.peak


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    started = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, dict(os.environ))
    sampler = TreeSampler(pid).start()
    _, status, usage = os.wait4(pid, 0)
    peak = sampler.stop()
    print(
        f"tree_memory: {time.perf_counter() - started:.2f} s wall, "
        f"{usage.ru_utime + usage.ru_stime:.2f} s CPU; peak of the tree: "
        f"{peak.pss_mb:.0f} MB PSS ({peak.processes} processes), {peak.rss_mb:.0f} MB RSS; "
        f"largest single process {usage.ru_maxrss / 1024:.0f} MB",
        file=sys.stderr,
    )
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
