"""Render the blog's pages in two processes: most of the posts' output in a pool worker.

Rendering is pure Python (Jinja), so one process uses one core. When ``ArticlesGenerator``
starts writing, the build's worker pool (``ra_core.workers``) is forked and one worker
renders the files whose output path falls in its share (by a hash of the path, so every write
to one path happens in one process and Pelican's overwrite rules still hold); this process
renders the rest and goes on with the other generators (events, market, pages, static files).
The worker returns what this process's bookkeeping needs: the session's page records, the
files written (the driver's count), template facts and any content errors; ``join`` merges
them before the build goes on. Files land in the shared staging folder. Only when every page
renders (a one-edit rebuild renders too few pages to pay for the fork).

The pending result is the build session's (``Session.split_pending``); the job itself reaches
the forked worker the only way a fork allows, through this module (``_job``: set just before
the pool forks, read in the worker's copy).
"""

from __future__ import annotations

import traceback
import zlib
from collections.abc import Callable
from typing import Any

from pelican import signals
from ra_core import workers

#: the worker renders paths whose hash modulo SHARES is not 0 (2 of 3): this process also
#: has every other generator to run
SHARES = 3
#: what the worker renders: set before the pool forks, read in the worker (the fork's copy)
_job: tuple[Callable[[Any], None], Any, Any] | None = None


class SplitFailed(RuntimeError):
    """The rendering worker failed: the message is its error's last line, the whole
    traceback is in ``details`` (printed by the driver's --verbose)."""

    def __init__(self, details: str) -> None:
        lines = details.strip().splitlines() or ["unknown error"]
        super().__init__(f"rendering process failed: {lines[-1]}")
        self.details = details


def in_child_share(relpath: str) -> bool:
    return zlib.crc32(relpath.encode()) % SHARES != 0


def _merge(result: dict[str, Any], writer: Any, context: Any) -> None:
    from ra_core import report_error

    session = writer.session
    for relpath, page, digests, reused in result["records"]:
        session.record(relpath, page, digests, reused)
    session.template_store.update(result["template_store"])
    session.templates_used.update(result["templates_used"])
    for error in result["errors"]:
        report_error(context, error)
    for path in result["written"]:
        signals.content_written.send(path, context=None)


def render_share() -> dict[str, Any]:
    """In the worker: render its share of the job it was forked with; the bookkeeping."""
    assert _job is not None, "the pool was forked before the rendering job was set"
    output, writer, context = _job
    try:
        from ra_core.errors import CONTEXT_KEY

        session = writer.session
        records: list[tuple[Any, ...]] = []
        session.record = lambda relpath, page, digests, reused: records.append(
            (relpath, page, digests, reused)
        )
        written: list[str] = []

        def on_written(path: str, **_: Any) -> None:
            written.append(path)

        signals.content_written.connect(on_written)
        signals.feed_written.connect(on_written)
        errors_before = list(context.get(CONTEXT_KEY, []))
        writer.share = True
        output(writer)
        return {
            "records": records,
            "written": written,
            "template_store": session.template_store,
            "templates_used": session.templates_used,
            "errors": [e for e in context.get(CONTEXT_KEY, []) if e not in errors_before],
        }
    except BaseException:
        return {"error": traceback.format_exc()}


def split_output(output: Callable[[Any], None], context: Any) -> Callable[[Any], None]:
    """Wrap a generator's ``generate_output`` so it renders in two processes when the
    writer's session renders every page (a one-edit rebuild renders too few to pay for
    the fork)."""

    def generate_output(writer: Any) -> None:
        global _job
        session = getattr(writer, "session", None)
        if session is None or not session.renders_everything or workers.current() is not None:
            output(writer)  # no session, few pages, or a pool forked before this job existed
            return
        join(session)
        session.join_background()  # the fork copies only this thread
        _job = (output, writer, context)
        pool = workers.get()
        if pool is None:  # one core
            output(writer)
            return
        session.split_pending = (pool.submit(render_share), writer, context)
        writer.share = False
        try:
            output(writer)
        finally:
            writer.share = None

    return generate_output


def join(session: Any) -> None:
    """Wait for the session's rendering worker and merge what it did (no-op without one)."""
    global _job
    pending, session.split_pending, _job = session.split_pending, None, None
    if pending is not None:
        future, writer, context = pending
        result = future.result()
        if "error" in result:
            raise SplitFailed(result["error"])
        _merge(result, writer, context)


def abandon(session: Any) -> None:
    """The build failed: forget the worker's result (the driver's shutdown waits for it)."""
    global _job
    session.split_pending = _job = None
