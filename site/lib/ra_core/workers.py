"""The build's one pool of worker processes (``concurrent.futures``), shared by its steps.

Rendering needs the whole Pelican context in the workers, so the pool is forked when the
posts' pages start rendering (``ra_incremental.split``); post-processing (asset rewrite,
``.gz``/``.br``, ``ra_assets.pipeline``) ends that pool and forks a fresh one.
Forked workers share the parent's memory pages; ``gc.freeze()`` around the fork keeps the
workers' collector from touching (and so copying) them, and is undone here at once. No other
thread may run while the pool forks: callers join theirs first. ``shutdown()`` ends it (the
driver calls it once per build, also on failure).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

#: more workers than cores only adds copies of the parent's memory
MAX_WORKERS = 4
_pool: ProcessPoolExecutor | None = None


def worker_count() -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS)


def get() -> ProcessPoolExecutor | None:
    """The build's pool, forked now if there is none yet; None on a single core."""
    global _pool
    if _pool is None and worker_count() > 1:
        release_free_memory()
        gc.freeze()  # the workers share the parent's pages instead of copying them for the GC
        try:
            _pool = ProcessPoolExecutor(
                worker_count(), mp_context=multiprocessing.get_context("fork")
            )
            _pool.submit(int).result()  # a forking pool starts all its workers at the first task
        finally:
            gc.unfreeze()  # this process collects its own garbage again (peak memory)
    return _pool


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; nothing
    elsewhere) before a fork: freed bodies leave holes in the heap that still count as this
    process's memory, and a worker allocating into them copies those pages."""
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def current() -> ProcessPoolExecutor | None:
    return _pool


def shutdown() -> None:
    """Wait for running tasks and end the workers (a no-op without a pool)."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
