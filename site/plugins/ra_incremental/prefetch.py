"""Parse the posts in two processes: a forked child reads the second half of the new ones.

Markdown parsing is most of a cold build's reading and uses one core. When the articles
generator is made, the posts Pelican's content cache does not hold are listed; a forked child
parses the second half of them (``reader.read``, exactly what Pelican's reader layer caches)
while this process goes on with the first half. The first time Pelican asks the cache for a
file in the child's half, the child's results are put into the cache, so Pelican takes them
from there like any cached post. A post the child could not parse is simply left to Pelican,
which reports the error as usual. Only with a build session (the content cache is on).
"""

from __future__ import annotations

import gc
import os
import pickle
from typing import Any

from pelican.readers import _filter_discardable_metadata

#: fewer new posts than this are parsed in this process (a fork costs more)
MIN_FILES = 40
_pending: list[_Reader] = []


class _Reader:
    """The forked parser, seen from the parent."""

    def __init__(self, pid: int, read_fd: int, readers: Any, paths: set[str]) -> None:
        self.pid, self.read_fd, self.readers, self.paths = pid, read_fd, readers, paths

    def join(self) -> None:
        if self.pid == 0:
            return
        with os.fdopen(self.read_fd, "rb") as pipe:
            data = pipe.read()
        os.waitpid(self.pid, 0)
        self.pid = 0
        for path, parsed in pickle.loads(data) if data else []:
            self.readers.cache_data(path, parsed)

    def kill(self) -> None:
        if self.pid == 0:
            return
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.read_fd)
        self.pid = 0


def _parse(readers: Any, paths: list[str]) -> list[tuple[str, tuple[Any, Any]]]:
    results = []
    for path in paths:
        reader = readers.readers.get(os.path.splitext(path)[1][1:])
        if reader is None:
            continue
        try:
            content, metadata = reader.read(path)
        except Exception:  # Pelican reads it again and reports the error
            continue
        results.append((path, (content, _filter_discardable_metadata(metadata))))
    return results


def prefetch_articles(generator: Any) -> None:
    """generator_init of the articles generator: start the child on half of the new posts."""
    readers = generator.readers
    if not getattr(readers, "_cache_data_policy", False) or (os.cpu_count() or 1) < 2:
        return
    settings = generator.settings
    files = generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"])
    paths = [os.path.abspath(os.path.join(generator.path, f)) for f in files]
    new = [p for p in paths if readers.get_cached_data(p, (None, None))[0] is None]
    if len(new) < MIN_FILES:
        return
    theirs = new[len(new) // 2 :]
    read_fd, write_fd = os.pipe()
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            os.close(read_fd)
            data = pickle.dumps(_parse(readers, theirs), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # the parent parses them itself
            status = 1
        finally:
            os._exit(status)
    gc.unfreeze()
    os.close(write_fd)
    child = _Reader(pid, read_fd, readers, set(theirs))
    _pending.append(child)
    original = readers.get_cached_data

    def get_cached_data(filename: str, default: Any = None) -> Any:
        if filename in child.paths:
            child.join()
        return original(filename, default)

    readers.get_cached_data = get_cached_data


def join() -> None:
    while _pending:
        _pending.pop().join()


def abandon() -> None:
    while _pending:
        _pending.pop().kill()
