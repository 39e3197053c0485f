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


# --- problem details (server_kernel.problems) ------------------------------------------------

import asyncpg  # noqa: E402
from litestar import Litestar, get  # noqa: E402
from litestar.params import FromQuery  # noqa: E402
from litestar.testing import AsyncTestClient  # noqa: E402
from sqlalchemy import exc as sa_exc  # noqa: E402

from server_kernel.problems import ProblemError, exception_handlers  # noqa: E402


class Away(ProblemError):
    status_code = 503
    slug = "database-unavailable"
    title = "Briefly unavailable"
    retry_after = 5


class Taken(ProblemError):
    status_code = 409
    slug = "taken"
    title = "Already taken"


def _app(**options: object) -> Litestar:
    @get("/taken")
    async def taken() -> None:
        raise Taken("seat 4 is sold", field="seat", seat=4)

    @get("/restart")
    async def restart() -> None:
        raise sa_exc.OperationalError("SELECT 1", {}, _Sqlstate("57P01"))

    @get("/cut")
    async def cut() -> None:
        # As SQLAlchemy's asyncpg adapter raises it: its own class, "from" asyncpg's error.
        adapter_error = Exception("<class 'asyncpg.exceptions._base.InternalClientError'>")
        adapter_error.__cause__ = asyncpg.InternalClientError("another operation is in progress")
        raise sa_exc.InternalError("SELECT 1", {}, adapter_error)

    @get("/broken")
    async def schema() -> None:
        raise sa_exc.OperationalError("SELECT 1", {}, Exception("no such table: seats"))

    @get("/page")
    async def page(n: FromQuery[int]) -> int:
        return n

    return Litestar(
        [taken, restart, cut, schema, page],
        exception_handlers=exception_handlers(database_unavailable=lambda: Away(), **options),  # type: ignore[arg-type]
    )


class _Sqlstate(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("terminating connection due to administrator command")
        self.sqlstate = sqlstate


async def test_typed_errors_and_outages_are_problems_and_bugs_are_bare_500s():
    async with AsyncTestClient(_app()) as client:
        taken = await client.get("/taken")
        assert taken.status_code == 409
        assert taken.headers["content-type"] == "application/problem+json"
        assert taken.json() == {
            "type": "urn:rose-ash:problem:taken",
            "title": "Already taken",
            "status": 409,
            "detail": "seat 4 is sold",
            "instance": "/taken",
            "field": "seat",
            "errors": [{"field": "seat", "message": "seat 4 is sold"}],
            "seat": 4,
        }
        away = await client.get("/restart")
        assert (away.status_code, away.headers["retry-after"]) == (503, "5")
        assert away.json()["title"] == "Briefly unavailable"
        cut = await client.get("/cut")  # a connection the server ended under a statement
        assert cut.status_code == 503
        broken = await client.get("/broken")  # a bug, not an outage: retrying cannot help
        assert broken.status_code == 500 and "retry-after" not in broken.headers
        assert "no such table" not in broken.text


async def test_each_server_chooses_its_bad_field_status_and_allow_header():
    async with AsyncTestClient(_app()) as client:
        bad = await client.get("/page", params={"n": "x"})
        assert (bad.status_code, bad.json()["field"]) == (422, "n")
        wrong = await client.post("/page")
        assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET, OPTIONS")
    async with AsyncTestClient(_app(invalid_field_status=400, head_with_get=True)) as client:
        assert (await client.get("/page", params={"n": "x"})).status_code == 400
        assert (await client.post("/page")).headers["allow"] == "GET, HEAD, OPTIONS"
