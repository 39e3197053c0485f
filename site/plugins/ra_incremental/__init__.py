"""Incremental builds: skip a build whose inputs did not change, re-render only what did.

- ``Session`` (driven by ``site/build_site.py``) fingerprints every input, recognises a rebuild
  with nothing changed, turns on Pelican's content cache, links unchanged files from the
  previous output and records the new state after a successful swap.
- ``IncrementalWriter`` (installed through Pelican's ``get_writer`` signal) renders a file only
  when its dependency key (template sources, settings, the content it shows) changed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ra_incremental.session import Session, current_session

__all__ = ["Session", "current_session", "get_writer", "new_files_only", "register"]


@contextmanager
def new_files_only() -> Iterator[None]:
    """Around a post-processing step that rewrites files in place: files reused from the
    previous output are moved aside meanwhile (they were processed when first written)."""
    session = current_session()
    if session is None:
        yield
        return
    with session.reused_aside():
        yield


def get_writer(pelican: Any) -> type:
    """get_writer signal: our Writer (it renders everything when no session is active)."""
    from ra_incremental.writer import IncrementalWriter

    return IncrementalWriter


def register() -> None:
    from pelican import signals

    signals.get_writer.connect(get_writer)
