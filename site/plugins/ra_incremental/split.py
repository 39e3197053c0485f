"""Render the blog's pages in two processes: most of the posts' output in a forked child.

Rendering is pure Python (Jinja), so one process uses one core. When ``ArticlesGenerator``
starts writing, the process forks: the child renders the files whose output path falls in its
share (by a hash of the path, so every write to one path happens in one process and Pelican's
overwrite rules still hold), the parent renders the rest and goes on with the other generators
(events, market, pages, static files). The child sends back what the parent's bookkeeping
needs: the session's page records, the files written (the driver's count), template facts and
any content errors; ``join`` merges them before the build goes on. Files land in the shared
staging folder. Without a build session or with one core nothing is split.
"""

from __future__ import annotations

import gc
import os
import pickle
import traceback
import zlib
from collections.abc import Callable
from typing import Any

from pelican import signals

#: the child renders paths whose hash modulo SHARES is not 0 (2 of 3): the parent also has
#: every other generator to run
SHARES = 3
_pending: _Child | None = None


class SplitFailed(RuntimeError):
    """The rendering child process failed: the message is its error's last line, the whole
    traceback is in ``details`` (printed by the driver's --verbose)."""

    def __init__(self, details: str) -> None:
        lines = details.strip().splitlines() or ["unknown error"]
        super().__init__(f"rendering process failed: {lines[-1]}")
        self.details = details


def in_child_share(relpath: str) -> bool:
    return zlib.crc32(relpath.encode()) % SHARES != 0


class _Child:
    """The forked renderer, seen from the parent."""

    def __init__(self, pid: int, read_fd: int, writer: Any, context: Any) -> None:
        self.pid, self.read_fd, self.writer, self.context = pid, read_fd, writer, context

    def join(self) -> None:
        with os.fdopen(self.read_fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        result = pickle.loads(data) if data else {"error": f"exit status {status}"}
        if "error" in result:
            raise SplitFailed(result["error"])
        _merge(result, self.writer, self.context)

    def kill(self) -> None:
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.read_fd)


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


def _run_child(write_fd: int, output: Callable[[Any], None], writer: Any, context: Any) -> None:
    """In the child: render our share, send the bookkeeping, never return into Pelican."""
    status = 0
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
        result: dict[str, Any] = {
            "records": records,
            "written": written,
            "template_store": session.template_store,
            "templates_used": session.templates_used,
            "errors": [e for e in context.get(CONTEXT_KEY, []) if e not in errors_before],
        }
    except BaseException:
        result, status = {"error": traceback.format_exc()}, 1
    try:
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        os._exit(status)


def split_output(output: Callable[[Any], None], context: Any) -> Callable[[Any], None]:
    """Wrap a generator's ``generate_output`` so it renders in two processes."""

    def generate_output(writer: Any) -> None:
        global _pending
        if getattr(writer, "session", None) is None or (os.cpu_count() or 1) < 2:
            output(writer)
            return
        join()  # one split at a time
        read_fd, write_fd = os.pipe()
        gc.freeze()  # keep the garbage collector from copying the parent's pages in the child
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _run_child(write_fd, output, writer, context)
        gc.unfreeze()
        os.close(write_fd)
        _pending = _Child(pid, read_fd, writer, context)
        writer.share = False
        try:
            output(writer)
        finally:
            writer.share = None

    return generate_output


def join() -> None:
    """Wait for the rendering child and merge what it did (no-op without one)."""
    global _pending
    child, _pending = _pending, None
    if child is not None:
        child.join()


def abandon() -> None:
    """The build failed: stop the child if it is still running."""
    global _pending
    child, _pending = _pending, None
    if child is not None:
        child.kill()
