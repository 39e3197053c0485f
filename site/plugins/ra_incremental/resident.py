"""What a resident process (``make preview``) keeps between builds, and the partial re-run.

A one-shot ``make build`` starts from the files: it digests every input, loads the last
build's state and Pelican's content cache from disk, re-reads the metadata of every source
and runs every generator. A resident process keeps all of that in memory (``Resident``):

- the digests of the content and code files, refreshed only for files whose size or mtime
  changed;
- the readers' output (Markdown parsed to HTML plus front matter) keyed by path and
  (mtime, size): only changed files are read again (``read_paths``: the ones a build read);
- the last successful build's record (``BuildState``), the parsed-body and memo caches
  (written to the cache folder once, when the process stops: ``save``);
- Pelican's generators and their shared context after the last successful build.

When only the bodies of existing posts, pages, events or products changed (same front matter,
so the same lists, URLs and order), ``run`` does not start Pelican again: it reads those files,
updates their content objects in place (every list, tag and paginator holding them sees the
change), re-sends ``all_generators_finalized`` (checks, derived images, manifest entries) and
writes again, with the writer rendering only the pages whose recorded reads name an edited
object; those files then replace the served ones in place (the others are left where they
are: ``Session.place_files``, see build_site.build). Anything else (a new,
deleted or renamed file, changed front matter, templates, images, settings) runs Pelican in
full. The output is then what a full build gives; the differential tests hold it to that.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ra_incremental.state import BuildState

#: Content types whose edits may take the partial re-run -> the generator that reads them.
#: What a generator derives from a content object after reading it (a product's price, an
#: event's dates) comes from its front matter, which a partial re-run leaves as it was.
PARTIAL_KINDS = {
    "Article": "ArticlesGenerator",
    "Page": "PagesGenerator",
    "Event": "EventsGenerator",
    "Product": "MarketGenerator",
}
#: Pelican's own generators announce a read with these signals.
_READ_SIGNALS = {
    "Article": ("article_generator_preread", "article_generator_context"),
    "Page": ("page_generator_preread", "page_generator_context"),
}


def file_stamp(path: str) -> tuple[int, int]:
    """What says a file changed without reading it: mtime (ns) and size."""
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size


@dataclass
class LastRun:
    """Pelican as the last successful build left it."""

    pelican: Any
    generators: list[Any]
    context: dict[str, Any]
    #: the code + static-files digest and the templates digest it was built with
    base: str
    templates: str
    #: content file (absolute path) -> digest, as built
    sources: dict[str, str]


@dataclass
class Resident:
    """A resident process's memory of one content folder built into one output folder."""

    #: path -> ((mtime_ns, size), digest) of every input file digested so far
    digests: dict[str, tuple[tuple[int, int], bytes]] = field(default_factory=dict)
    #: Pelican's reader cache, shared by every generator: path -> (stamp, (html, metadata))
    reader_cache: dict[str, Any] = field(default_factory=dict)
    #: Pelican's reader cache files (one per generator) -> the paths each one holds
    cache_files: dict[str, set[str]] = field(default_factory=dict)
    #: parsed-template facts by source digest (see templates.py)
    template_store: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the code digest the reader cache was filled under
    reader_code: str = ""
    #: the files the build under way read (parsed) from disk
    read_paths: list[str] = field(default_factory=list)
    state: BuildState | None = None
    last: LastRun | None = None
    #: content file -> digest of the build under way (set by Session.begin)
    sources: dict[str, str] = field(default_factory=dict)
    #: the session of the last build that committed, for ``save``
    committed: Any = None
    caches_loaded: bool = False
    #: whether the build under way took the partial re-run
    partial: bool = False
    #: the content objects that partial re-run edited
    edited: list[Any] = field(default_factory=list)
    #: every file of the last build's output that Pelican made (post-processing's list)
    output_files: list[str] = field(default_factory=list)
    #: the sitemap's dates (save_as -> date) as the last build found them (front matter)
    sitemap_dates: dict[str, str] = field(default_factory=dict)
    #: the manifests' finished entries of unchanged content (``ra_manifests.Kept``)
    manifest_entries: Any = None
    _pending: LastRun | None = None
    #: Pelican's own file stamp (CHECK_MODIFIED_METHOD), for the cache files on disk
    _disk_stamp: Any = None

    # --- readers ---------------------------------------------------------------------------

    def attach(self, readers: Any) -> None:
        """generator_init: this process's reader cache instead of the pickled one on disk,
        stamps from ``stat`` instead of hashing every file, and a count of the files really
        read. What the first build found on disk is taken over where the files still match."""
        if not readers._cache_data_policy:  # static files: nothing is parsed, nothing kept
            return
        disk_stamp, cache_file = readers._filestamp_func, readers._cache_path
        self._disk_stamp = disk_stamp
        mine = self.cache_files.setdefault(cache_file, set())
        for path, (stamp, data) in readers._cache.items():
            if path not in self.reader_cache and stamp == readers._get_file_stamp(path):
                self.reader_cache[path] = (file_stamp(path), data)
                mine.add(path)
        readers._cache = self.reader_cache
        readers._filestamp_func = file_stamp
        readers.save_cache = lambda: None
        store = readers.cache_data

        def cache_data(filename: str, data: Any) -> None:
            self.read_paths.append(filename)
            mine.add(filename)
            store(filename, data)

        readers.cache_data = cache_data

    def _save_reader_caches(self) -> None:
        """Pelican's own reader cache files, stamped its way, for the next process."""
        stamp = self._disk_stamp
        if stamp is None:
            return
        for cache_file, paths in self.cache_files.items():
            entries = {}
            for path in paths:
                found = self.reader_cache.get(path)
                if found is not None and os.path.isfile(path):
                    entries[path] = (stamp(path), found[1])
            folder = os.path.dirname(cache_file)
            os.makedirs(folder, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".readers-", dir=folder)
            with os.fdopen(handle, "wb") as stream:  # Pelican cannot load half a pickle
                pickle.dump(entries, stream)
            os.replace(temp, cache_file)

    def forget(self, paths: Iterable[str]) -> None:
        """Files a watcher saw change: read them again even if mtime and size look the same."""
        for path in paths:
            self.reader_cache.pop(os.path.abspath(path), None)
            self.digests.pop(os.path.abspath(path), None)

    # --- one build ---------------------------------------------------------------------------

    def begin(self, session: Any) -> None:
        """A build starts: nothing of Pelican's is reusable until it commits."""
        self.read_paths = []
        self.partial = False
        self.edited = []
        if self.reader_code != session.code:
            self.reader_cache.clear()
            self.cache_files.clear()
            self.reader_code = session.code

    def run(self, settings: dict[str, Any], session: Any) -> dict[str, Any]:
        """Pelican's run for this build, partial when the edit allows; the shared context."""
        from pelican import Pelican, signals

        from ra_incremental.session import session_of

        last, self.last = self.last, None  # reusable again only once this build commits
        if last is not None:
            context = _partial_run(last, settings, session)
            if context is not None:
                self.partial = True
                self._pending = LastRun(
                    last.pelican, last.generators, context, last.base, last.templates,
                    dict(self.sources),
                )  # fmt: skip
                return context
        last = None  # a full run: the last one's objects may go (peak memory)
        pelican = Pelican(settings)
        captured: dict[str, Any] = {}

        def keep(generators: list[Any]) -> None:
            if generators and session_of(generators[0].settings) is session:
                captured["generators"] = list(generators)

        signals.all_generators_finalized.connect(keep)
        try:
            pelican.run()
        finally:
            signals.all_generators_finalized.disconnect(keep)
        generators = captured["generators"]
        self._pending = LastRun(
            pelican, generators, generators[0].context, session.base, session.templates,
            dict(self.sources),
        )  # fmt: skip
        return generators[0].context

    def expects_partial(self, session: Any) -> bool:
        """Whether this build will likely take the partial re-run (before staging is made:
        its output then goes in place, file by file; see build_site.build). A build that
        finds otherwise once it reads the files runs in full all the same."""
        return self.last is not None and _partial_candidates(self.last, session) is not None

    def commit(self, session: Any, state: BuildState) -> None:
        """The build succeeded: its state and its Pelican are the ones to build on."""
        self.state = state
        self.last, self._pending = self._pending, None
        self.committed = session

    def fail(self) -> None:
        """The build failed: the next one starts Pelican afresh (this one may have changed
        content objects in place)."""
        self.last = None
        self._pending = None

    def save(self) -> None:
        """Write what a later process (or ``make build`` of this output) builds on."""
        import ra_core.html
        import ra_core.memo

        session = self.committed
        if session is None or self.state is None:
            return
        session.save_state(self.state)
        self._save_reader_caches()
        ra_core.html.save(session.cache / "html_tags.pickle")
        ra_core.memo.save(session.cache / "memo.pickle")


def _identity(content: Any) -> str:
    return f"{type(content).__name__}:{content.source_path}"


def _changed_sources(last: LastRun, now: Mapping[str, str]) -> list[str] | None:
    """Content files whose digest changed; None when files were added or removed."""
    if set(now) != set(last.sources):
        return None
    return [path for path, digest in now.items() if last.sources[path] != digest]


def _partial_candidates(last: LastRun, session: Any) -> list[str] | None:
    """The edited content files if the edit may take the partial re-run (the checks that
    need no reading: same templates, nothing came due, only existing files changed)."""
    previous = session.previous
    if previous is None or session.templates != last.templates:
        return None
    if time.time() >= previous.valid_until:  # a scheduled post or an event came due
        return None
    return _changed_sources(last, session.resident.sources) or None


def _partial_run(last: LastRun, settings: dict[str, Any], session: Any) -> dict[str, Any] | None:
    """Re-run only what edited post/page bodies need; None when the edit needs a full run."""
    from pelican import signals
    from pelican.contents import Content
    from ra_core import EDITED_KEY, content_errors

    from ra_incremental.session import SESSION_SETTING

    previous = session.previous
    changed = _partial_candidates(last, session)
    if previous is None or changed is None or session.base != last.base:
        return None
    context = last.context
    by_path = {
        content.source_path: content
        for content in context.get("generated_content", {}).values()
        if content is not None
    }
    generator_of = {type(g).__name__: g for g in last.generators}
    errors_before = len(content_errors(context))
    replaced: list[tuple[Content, Content]] = []
    for path in changed:
        old = by_path.get(path)
        kind = type(old).__name__
        generator = generator_of.get(PARTIAL_KINDS.get(kind, ""))
        if old is None or generator is None:
            return None
        announce: dict[str, Any] = {}
        if kind in _READ_SIGNALS:
            preread, read = _READ_SIGNALS[kind]
            announce = {
                "preread_signal": getattr(signals, preread),
                "preread_sender": generator,
                "context_signal": getattr(signals, read),
                "context_sender": generator,
            }
        try:
            new = generator.readers.read_file(
                base_path=generator.path,
                path=os.path.relpath(path, generator.path),
                content_class=type(old),
                context=context,
                **announce,
            )
        except Exception:  # the full run reports it
            return None
        if (
            type(new) is not type(old)
            or not new.is_valid()
            or getattr(new, "problems", None)  # an event's own checks
            or new.metadata != old.metadata
            or new.get_static_links() - context["static_links"]
            or len(content_errors(context)) != errors_before
        ):
            return None
        replaced.append((old, new))

    # From here on the last run's objects change: the session fails the resident on error.
    staging = settings["OUTPUT_PATH"]
    for target in (last.pelican.settings, context):
        target[SESSION_SETTING] = session
        target["OUTPUT_PATH"] = staging
    last.pelican.output_path = staging
    for generator in last.generators:
        generator.output_path = staging
    for old, new in replaced:
        # What the body gives (its HTML, summary, checks, mtime); the front matter's own
        # attributes are equal, and a generator may have refined them since (a price).
        fresh = {
            name: value
            for name, value in vars(new).items()
            if name not in new.metadata and name != "_context"
        }
        vars(old).update(fresh)  # attributes generators and plugins added stay
        for memo in (Content.get_content, Content.get_summary):
            for key in [k for k in memo.cache if k and k[0] is old]:
                del memo.cache[key]
    context[EDITED_KEY] = [old for old, _ in replaced]  # checks look at these alone
    try:
        signals.all_generators_finalized.send(last.generators)
    finally:
        del context[EDITED_KEY]
    for old, _ in replaced:
        old.refresh_metadata_intersite_links()
    session.resident.edited = [old for old, _ in replaced]
    writer = last.pelican._get_writer()
    writer.edited = {id(old) for old, _ in replaced}
    edited = tuple(_identity(old) + "\0" for old, _ in replaced)
    touched = {read for read in previous.reads if read.startswith(edited)}
    writer.affected = {
        page for page, (_, reads) in previous.pages.items() if not touched.isdisjoint(reads)
    }
    session.read_digests = dict(previous.reads)  # what every page not rendered again read
    for generator in last.generators:
        if hasattr(generator, "generate_output"):
            generator.generate_output(writer)
    signals.finalized.send(last.pelican)
    return context


__all__ = ["LastRun", "Resident", "file_stamp"]
