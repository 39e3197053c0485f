"""``make preview``: serve the site locally, rebuild on every change, reload the open page.

One resident process: a static server thread (:mod:`._server`), and the main thread watching
``content/`` and ``site/`` (watchfiles) and building in-process (:mod:`._builder`). A failed
build prints its errors and shows them as a banner while the last good build stays served.
Drafts are built under ``/drafts/`` (``RA_PREVIEW=1``, see site/pelicanconf.py) and marked.
A change to the site's Python code restarts the process (its modules are imported once).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Set as AbstractSet
from pathlib import Path

from editor_tools._errors import EditorError
from editor_tools._paths import SITE_DIR
from editor_tools.preview._builder import BuildResult, ResidentBuilder, drafts
from editor_tools.preview._server import handler_for
from editor_tools.preview._status import Status
from editor_tools.static_server import StaticServer

__all__ = ["run"]


def _announce(result: BuildResult, url: str) -> None:
    if result.ok:
        print(f"{result.summary} -> {url}", flush=True)
    else:
        for line in result.errors:
            print(line, file=sys.stderr)
        from ra_core import plural  # importable once the builder loaded the site's code

        print(
            f"Build failed: {plural(len(result.errors), 'error')}; "
            "still serving the last good build",
            file=sys.stderr,
            flush=True,
        )


def _changes_need_restart(changes: AbstractSet[tuple[object, str]]) -> bool:
    return any(path.endswith(".py") and path.startswith(str(SITE_DIR)) for _, path in changes)


def run(content: Path, output: Path, host: str, port: int) -> int:
    """Serve and rebuild until Ctrl-C or SIGTERM/SIGHUP; 0 on a clean stop."""
    import watchfiles

    if not content.is_dir():
        raise EditorError(f"{content}: content folder not found")
    output.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: stop.set())
    status = Status()
    try:
        server = StaticServer(output.resolve(), host, port, handler=handler_for(status))
    except OSError as exc:
        raise EditorError(
            f"PORT: {host}:{port} is not free ({exc.strerror}); try PORT=8001"
        ) from None
    os.environ["SITE_URL"] = server.url  # links in the preview stay on the preview
    os.environ["RA_PREVIEW"] = "1"  # drafts are written, under drafts/
    server.start()
    print(f"Preview: {server.url}/  (drafts under {server.url}/drafts/; Ctrl-C stops)", flush=True)
    builder = ResidentBuilder(content, output, os.fspath(content).rstrip("/"))
    restart = False
    ignore = (*watchfiles.DefaultFilter.ignore_dirs, ".cache")
    watcher = watchfiles.watch(
        content,
        SITE_DIR,
        watch_filter=watchfiles.DefaultFilter(ignore_dirs=ignore),
        stop_event=stop,
        debounce=100,
        step=20,
    )  # one watcher for the whole run: a save during a build is seen when it ends
    try:
        while not stop.is_set():
            status.update(building=True)
            result = builder.build()
            _announce(result, f"{server.url}/")
            if result.ok:
                status.update(
                    version=status.current.version + 1,
                    errors=(),
                    building=False,
                    drafts=drafts(output),
                )
            else:
                status.update(errors=result.errors, building=False)
            changes = next(watcher, None)
            if not changes:
                break
            if _changes_need_restart(changes):
                restart = True
                break
            builder.changed(path for _, path in changes)
    except KeyboardInterrupt:
        pass
    finally:
        status.close()
        server.stop()
        builder.close()
    if restart:
        print("site code changed: restarting the preview", flush=True)
        os.execv(sys.executable, [sys.executable, "-m", "editor_tools", *sys.argv[1:]])
    print("preview stopped", flush=True)
    return 0
