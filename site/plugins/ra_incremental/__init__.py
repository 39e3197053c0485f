"""Incremental builds: skip a build whose inputs did not change, re-render only what did.

- ``Session`` (driven by ``site/build_site.py``) fingerprints every input, recognises a rebuild
  with nothing changed, turns on Pelican's content cache, links unchanged files from the
  previous output and records the new state after a successful swap.
- ``IncrementalWriter`` (installed through Pelican's ``get_writer`` signal) renders a file only
  when its dependency key (template sources, settings, the content it shows) changed.
- Using both cores: ``split`` renders most of the posts' pages in a worker of the build's
  pool (``ra_core.workers``) when every page renders; templates are compiled once into a
  bytecode cache in the build cache folder.
"""

import os
import shutil
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

from ra_incremental.resident import Resident
from ra_incremental.session import SESSION_SETTING, Session, session_of

__all__ = [
    "SESSION_SETTING",
    "Resident",
    "Session",
    "get_writer",
    "output_files",
    "previous_output",
    "register",
    "run",
    "session_of",
]


def output_files(staging: Path, context: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(every file in ``staging``, the files this build made) as sorted POSIX paths relative
    to it. Files reused from the last build are done (rewritten and compressed when they were
    first written); post-processing only touches the second list. One walk of the tree.

    Reused too: a file a generator linked to the last output's file of the same name (the
    same inode, e.g. an unchanged .ics, a derived image), recorded in ``session.identical``
    so that its .gz/.br are linked as well."""
    every: list[str] = []
    for folder, _, files in os.walk(staging):
        rel = os.path.relpath(folder, staging)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        every.extend(prefix + name for name in files)
    every.sort()
    session = session_of(context)
    if session is None:
        return every, every
    new = [name for name in every if name not in session.linked]
    if session.previous is None:
        return every, new
    fresh = []
    for name in new:
        try:
            same = os.path.samefile(os.path.join(staging, name), os.path.join(session.output, name))
        except OSError:
            same = False
        if same:
            session.identical.add(name)
        else:
            fresh.append(name)
    return every, fresh


def previous_output(settings: Mapping[str, Any]) -> Path | None:
    """The last successful build's output while a rebuild is under way (else None)."""
    session = session_of(settings)
    if session is None or session.previous is None:
        return None
    return session.output


def get_writer(pelican: Any) -> type:
    """get_writer signal: our Writer (it renders everything when no session is active)."""
    from ra_incremental.writer import IncrementalWriter

    return IncrementalWriter


def _split_articles(generator: Any) -> None:
    """article_generator_finalized: the posts' pages render in two processes (split.py)."""
    from ra_incremental import split

    if session_of(generator.settings) is not None and not hasattr(generator, "_ra_split"):
        generator._ra_split = True  # once: a resident process runs its generators again
        generator.generate_output = split.split_output(generator.generate_output, generator.context)


def run(settings: dict[str, Any]) -> MutableMapping[str, Any] | None:
    """Pelican's run for the build these settings belong to; a resident process may re-run
    only part of it (resident.py). The shared context, when known here."""
    from pelican import Pelican

    session = session_of(settings)
    if session is not None and session.resident is not None:
        return session.resident.run(settings, session)
    Pelican(settings).run()
    return None


def _on_generator_init(generator: Any) -> None:
    """generator_init: compiled templates kept between builds; a resident process's reader
    cache."""
    from jinja2 import FileSystemBytecodeCache

    session = session_of(generator.settings)
    if session is None:
        return
    readers = getattr(generator, "readers", None)
    if session.resident is not None and readers is not None:
        session.resident.attach(readers)
    env = getattr(generator, "env", None)
    if env is not None and env.bytecode_cache is None:
        # Jinja keys compiled templates by their source alone, but settings (autoescape,
        # extensions) and code change what a template compiles to: one folder per code and
        # settings digest, and the folders of other digests are dropped.
        folder = session.cache / "jinja" / session.code[:20]
        if not folder.is_dir():
            shutil.rmtree(folder.parent, ignore_errors=True)
            folder.mkdir(parents=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _freeze_urls(generators: Any) -> None:
    """all_generators_finalized: every post's, page's, event's and product's URL is computed
    once and kept as Pelican's own ``override_url``.

    Pelican recomputes ``url`` from its settings pattern on every access (a copy of the
    metadata and a relative path each time: ~9,000 times in a 1,000-post rebuild). Slugs,
    dates and categories are final by now (duplicate slugs already have their override).
    ``save_as`` is left alone: Pelican treats an ``override_save_as`` as an overriding write.
    Each body's links are resolved once (``_resolve_links``) and a one-shot build's reader
    caches, saved by now, are let go (peak memory).
    """
    from pelican.contents import Static

    if not generators or session_of(generators[0].settings) is None:
        return
    settings = generators[0].settings
    resolve = not settings.get("RELATIVE_URLS")
    for content in generators[0].context.get("generated_content", {}).values():
        if content is not None and not isinstance(content, Static):
            content.override_url = content.url
            if resolve:
                _resolve_links(content)
    _drop_saved_reader_caches(generators)


def _resolve_links(content: Any) -> None:
    """The body's ``{static}``/``{filename}`` links resolved once and kept as the body.

    Pelican keeps the body as read (``_content``) and memoises ``get_content``'s copy with
    the links resolved: two copies of every body that has such a link (37 MB each for 1,000
    posts of 4,500 words). Every URL is final by now and ``RELATIVE_URLS`` is off (one site
    URL for every page), so the resolved text becomes the body; resolving it again finds no
    link and returns the same string, so the memo holds no copy.
    """
    if getattr(content, "_content", None) and not hasattr(content, "_get_content"):
        content._content = content.get_content(content.get_siteurl())


def _drop_saved_reader_caches(generators: Any) -> None:
    """A one-shot build's reader caches are on disk by now (each generator saved its own at
    the end of ``generate_context``) and are not read again: their copies of the bodies as
    read go. A resident process keeps its own (``Resident.attach``) for the next build."""
    session = session_of(generators[0].settings)
    if session is None or session.resident is not None:
        return
    for generator in generators:
        readers = getattr(generator, "readers", None)
        if readers is not None and isinstance(getattr(readers, "_cache", None), dict):
            readers._cache = {}


def _join_split(pelican: Any) -> None:
    """finalized: the rendering child's files and records are in before the build goes on."""
    from ra_incremental import split

    session = session_of(pelican.settings)
    if session is not None:
        split.join(session)


def register() -> None:
    from pelican import signals

    signals.get_writer.connect(get_writer)
    signals.generator_init.connect(_on_generator_init)
    signals.article_generator_finalized.connect(_split_articles)
    signals.all_generators_finalized.connect(_freeze_urls)
    signals.finalized.connect(_join_split)
