"""The one background loop every worker runs (server_kernel.run_periodically)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from server_kernel import run_periodically

log = logging.getLogger("test.jobs")


async def test_an_error_is_logged_and_the_loop_carries_on(caplog: pytest.LogCaptureFixture):
    stop = asyncio.Event()
    calls: list[int] = []

    async def job() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        stop.set()

    await asyncio.wait_for(
        run_periodically(job, every=0.01, name="flaky job", logger=log, stop=stop), 5
    )
    assert len(calls) == 2
    assert "flaky job failed" in caplog.text and "database went away" in caplog.text


async def test_a_busy_job_runs_again_at_once_and_an_idle_one_waits():
    stop = asyncio.Event()
    backlog = [3]

    async def job() -> bool:
        if backlog[0] == 0:
            stop.set()
            return False
        backlog[0] -= 1
        return True

    # Three busy runs then an idle one: with a 60 s period this ends only if busy runs
    # never wait.
    await asyncio.wait_for(run_periodically(job, every=60, name="drain", logger=log, stop=stop), 5)
    assert backlog == [0]


async def test_wake_cuts_the_wait_short_and_stop_ends_the_loop():
    wake, stop = asyncio.Event(), asyncio.Event()
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    task = asyncio.create_task(
        run_periodically(job, every=60, name="woken", logger=log, wake=wake, stop=stop)
    )
    await asyncio.sleep(0.05)
    assert runs == [1]
    wake.set()
    await asyncio.sleep(0.05)
    assert runs == [1, 1]
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_wait_first_skips_the_run_at_start():
    stop = asyncio.Event()
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    task = asyncio.create_task(
        run_periodically(job, every=60, name="sweep", logger=log, stop=stop, wait_first=True)
    )
    await asyncio.sleep(0.05)
    assert runs == []
    stop.set()
    await asyncio.wait_for(task, 5)
