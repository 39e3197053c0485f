"""One incremental build: decide what can be skipped, reuse unchanged files, record the result.

The driver owns the session and calls, in order::

    session = Session.begin(content, output, settings)   # fingerprints, last build's state
    if session.up_to_date(): ...                          # nothing changed: stop here
    settings = session.configure(settings, staging)       # Pelican's content cache; the
                                                          # session goes into the settings
    ... Pelican runs; IncrementalWriter asks session.previous_page() for every file ...
    session.link_reused()                                 # previous files into staging
    ... post-processing of the files not in session.linked only (output_files) ...
    session.finish()                                      # .gz/.br of reused files
    ... swap staging into place ...
    session.commit(context)                               # only after success

Reused files are hard links to the previous output's files. Nothing ever writes into them:
post-processing only touches the files this build made (and replaces, never writes through,
a file with more than one link), so a failed build leaves the previous output byte for byte
as it was.

Plugins find the session in Pelican's settings (``session_of(settings)``, also in the shared
context, which starts as a copy of them): every piece of per-build state (the page records,
the template-read recorder, the rendering worker's pending result) lives on it, none in a
module.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping, MutableMapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ra_core.html
import ra_core.memo

from ra_incremental import clock, fingerprint, folders
from ra_incremental.resident import Resident
from ra_incremental.state import BuildState, cache_dir, load_json, output_identity, save_json
from ra_incremental.tracking import Recorder

#: Derived files post-processing writes beside a page; reused together with it.
DERIVED_SUFFIXES = (".gz", ".br")
STATE_FILE = "state.pickle"
SPARE_DIR = "spare"
TEMPLATES_FILE = "templates.json"
HTML_TAGS_FILE = "html_tags.pickle"  # see ra_core.html
MEMO_FILE = "memo.pickle"  # see ra_core.memo
#: The settings key (and so shared-context key) under which a build's session travels.
SESSION_SETTING = fingerprint.SESSION_SETTING


def _no_session() -> None:
    return None


def session_of(settings: Mapping[str, Any] | None) -> Session | None:
    """The session of the build these settings (or this context) belong to; None for a plain
    ``pelican`` run."""
    found = settings.get(SESSION_SETTING) if settings is not None else None
    return found if isinstance(found, Session) else None


@dataclass(frozen=True)
class PageRecord:
    """How one output file was made: its dependency key and the content reads it did."""

    key: str
    reads: list[str]


@dataclass
class Session:
    """State of one build of ``content`` into ``output``."""

    content: Path
    output: Path
    cache: Path
    inputs: str
    code: str
    previous: BuildState | None
    started: float = field(default_factory=time.time)
    staging: Path | None = None
    pages: dict[str, PageRecord] = field(default_factory=dict)
    read_digests: dict[str, str | None] = field(default_factory=dict)
    reused: set[str] = field(default_factory=set)
    linked: set[str] = field(default_factory=set)
    #: files a generator linked to the last output's file of the same name (see output_files)
    identical: set[str] = field(default_factory=set)
    settings_keys: set[str] = field(default_factory=set)
    #: parsed-template facts by source digest, kept between builds (see templates.py)
    template_store: dict[str, dict[str, Any]] = field(default_factory=dict)
    templates_used: set[str] = field(default_factory=set)
    recycled: bool = False
    #: a resident process's partial re-run: staging holds only the files this build wrote,
    #: and they replace the served ones one at a time (``place_files``), with no tree swap
    in_place: bool = False
    #: what every page's key starts from: code, settings and static files
    base: str = ""
    #: what a resident process keeps between builds (None for ``make build``; resident.py)
    resident: Resident | None = None
    #: digest of the templates (part of ``inputs``)
    templates: str = ""
    #: which content attributes the page being rendered reads (see tracking.py)
    recorder: Recorder = field(default_factory=Recorder)
    #: the rendering worker's result while it renders its share (see split.py)
    split_pending: Any = None
    _mirror: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        """Pickled (Pelican's cache pickles metadata, whose tags hold the settings) as None:
        a session belongs to one build in one process."""
        return (_no_session, ())

    # --- before the build -----------------------------------------------------------------

    @classmethod
    def begin(
        cls,
        content: Path,
        output: Path,
        settings: Mapping[str, Any],
        resident: Resident | None = None,
    ) -> Session:
        """Fingerprint the inputs and load the last build's state (a resident process keeps
        both in memory: only files whose mtime or size changed are read)."""
        memo = resident.digests if resident is not None else None
        code = fingerprint.code_digest(settings, memo)
        templates = fingerprint.templates_digest(settings, memo)
        files = fingerprint.file_digests(content, [output], memo)
        content_tree = fingerprint.tree_digest(content, files=files)
        inputs = fingerprint.combine(code, templates, content_tree)
        cache = cache_dir(content, output)
        if resident is not None and resident.state is not None:
            previous: BuildState | None = resident.state
        else:
            previous = BuildState.load(cache / STATE_FILE)
        if previous is not None and previous.output_identity != output_identity(output):
            previous = None  # the output was replaced or deleted since: reuse nothing
        session = cls(content, output, cache, inputs, code, previous)
        session.templates, session.resident = templates, resident
        if resident is not None:
            resident.sources = {path: digest.hex() for path, digest in files.items()}
            resident.begin(session)
        return session

    def up_to_date(self) -> bool:
        """Same inputs as the last successful build, its output intact, nothing due yet."""
        prev = self.previous
        return bool(prev and prev.inputs == self.inputs and time.time() < prev.valid_until)

    @property
    def renders_everything(self) -> bool:
        """No last build to reuse from, or its code and settings differ: every page renders."""
        return self.previous is None or self.previous.code != self.code

    @property
    def previous_pages(self) -> int:
        return len(self.previous.pages) if self.previous else 0

    def configure(self, settings: MutableMapping[str, Any], staging: Path) -> Any:
        """Turn on Pelican's content cache, trusted only if code and settings are unchanged,
        and put this session into the settings for the plugins."""
        self.staging = staging
        settings[SESSION_SETTING] = self
        self.settings_keys = set(settings)
        resident = self.resident
        memo = resident.digests if resident is not None else None
        self.base = fingerprint.combine(self.code, fingerprint.static_digest(settings, memo))
        if resident is None:
            self.template_store = load_json(self.cache / TEMPLATES_FILE)
        else:  # parsed once per process, kept in memory (and on disk when it stops)
            if not resident.template_store:
                resident.template_store.update(load_json(self.cache / TEMPLATES_FILE))
            self.template_store = resident.template_store
        pelican_cache = self.cache / "pelican"
        trusted = self.previous is not None and self.previous.code == self.code
        if not trusted:
            shutil.rmtree(pelican_cache, ignore_errors=True)
            ra_core.memo.forget()
        elif resident is None or not resident.caches_loaded:
            ra_core.html.load(self.cache / HTML_TAGS_FILE)
            ra_core.memo.load(self.cache / MEMO_FILE)
        if resident is not None:
            resident.caches_loaded = True
        settings.update(
            CACHE_CONTENT=True,
            # a resident process keeps the readers' output in memory (resident.py)
            LOAD_CONTENT_CACHE=trusted and (resident is None or not resident.reader_cache),
            CACHE_PATH=str(pelican_cache),
            CONTENT_CACHING_LAYER="reader",
            CHECK_MODIFIED_METHOD="sha1",
            GZIP_CACHE=False,
        )
        return settings

    # --- during the build (called by the writer) --------------------------------------------

    @property
    def previous_reads(self) -> dict[str, str | None]:
        return self.previous.reads if self.previous else {}

    def previous_page(self, relpath: str, key: str) -> PageRecord | None:
        """The last build's record of ``relpath`` if it had this key and the file is there."""
        prev = self.previous
        entry = prev.pages.get(relpath) if prev else None
        if not entry or entry[0] != key:
            return None
        if not os.path.isfile(os.path.join(self.output, relpath)):
            return None
        return PageRecord(entry[0], list(entry[1]))

    def record(
        self, relpath: str, page: PageRecord, digests: Mapping[str, str | None], reused: bool
    ) -> None:
        self.pages[relpath] = page
        self.read_digests.update(digests)
        if reused:
            self.reused.add(relpath)
        else:
            self.reused.discard(relpath)

    # --- after Pelican ---------------------------------------------------------------------

    def link_reused(self) -> int:
        """Hard-link each reused file from the previous output into staging."""
        from ra_incremental import split

        assert self.staging is not None
        self.join_background()
        split.join(self)  # normally done at Pelican's finalized signal
        made: set[str] = set()
        made_dirs: set[Path] = set()
        for relpath in sorted(self.reused):
            target = self.staging / relpath
            if target.exists():
                self.pages.pop(relpath, None)  # something else wrote it this run: not ours
                continue
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            os.link(self.output / relpath, target)
            made.add(relpath)
        self.linked = made
        return len(made)

    def keep_reused(self) -> int:
        """In place: the reused files stay where they are (the served output); a reused page
        another writer wrote this run is that writer's (as ``link_reused`` decides)."""
        from ra_incremental import split

        assert self.staging is not None
        self.join_background()
        split.join(self)
        for relpath in [r for r in self.reused if os.path.lexists(self.staging / r)]:
            self.reused.discard(relpath)
            self.pages.pop(relpath, None)
        return len(self.reused)

    def place_files(self) -> int:
        """In place: each file staging holds replaces the output's file of that name by a
        rename (a reader gets the old file or the new one, never half of one), the pages
        this build no longer makes are deleted with their .gz/.br, and staging goes.
        Returns how many files changed in the output."""
        assert self.staging is not None
        staging, output = str(self.staging), str(self.output)
        placed, held = 0, set()
        for folder, _, files in os.walk(staging):
            rel = os.path.relpath(folder, staging)
            prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
            target_folder = os.path.join(output, prefix)
            os.makedirs(target_folder, exist_ok=True)
            for name in sorted(files, key=lambda n: n.endswith(DERIVED_SUFFIXES)):
                held.add(prefix + name)
                source, target = os.path.join(folder, name), os.path.join(target_folder, name)
                with suppress(FileNotFoundError):
                    if os.path.samefile(source, target):
                        continue  # linked from the output: already there
                os.replace(source, target)
                placed += 1
        gone = set(self.previous.pages) - set(self.pages) - held if self.previous else set()
        for relpath in gone:
            for suffix in ("", *DERIVED_SUFFIXES):
                with suppress(FileNotFoundError):
                    os.unlink(os.path.join(output, relpath + suffix))
                    placed += 1
        shutil.rmtree(staging, ignore_errors=True)
        return placed

    def finish(self) -> None:
        """Link the .gz/.br of each reused file (made when it was first written) and drop the
        folders a recycled staging tree kept for pages that no longer exist."""
        if self.staging is None:
            return
        output, staging = str(self.output), str(self.staging)
        for relpath in self.linked | self.identical:
            for suffix in DERIVED_SUFFIXES:
                name = relpath + suffix
                with suppress(FileNotFoundError, FileExistsError):
                    os.link(os.path.join(output, name), os.path.join(staging, name))
        if self.recycled:
            folders.remove_empty_folders(self.staging)

    # --- recycling the previous tree's folders ------------------------------------------------

    @property
    def spare(self) -> Path:
        return self.cache / SPARE_DIR

    def recycled_staging(self, prefix: str, parent: Path) -> Path | None:
        """The tree the last swap replaced, emptied of files but keeping its folders.

        Creating and deleting thousands of folders (one per pretty URL) costs far more than
        the files themselves on many file systems; recycling them keeps a rebuild small.
        """
        spare = self.spare
        if not spare.is_dir():
            return self._mirrored_staging(prefix, parent)
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        try:
            staging.rmdir()
            spare.rename(staging)
        except OSError:  # another file system: a fresh folder it is
            shutil.rmtree(spare, ignore_errors=True)
            staging.mkdir(exist_ok=True)
            return staging
        folders.remove_files(staging)
        self.recycled = True
        return staging

    def _mirrored_staging(self, prefix: str, parent: Path) -> Path | None:
        """No spare tree (first rebuild after a cold one): a fresh folder, with the previous
        output's folders recreated by a thread while Pelican reads and renders."""
        if self.previous is None:
            return None
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self._mirror = threading.Thread(
            target=folders.mirror_folders, args=(self.output, staging, self._stop), daemon=True
        )
        self._mirror.start()
        self.recycled = True
        return staging

    def stop(self) -> None:
        """The build failed: stop background work before the staging folder is deleted."""
        from ra_core import workers

        from ra_incremental import split

        self._stop.set()
        if self.resident is not None:
            self.resident.fail()
        self.join_background()
        split.abandon(self)
        workers.shutdown()  # waits for a rendering worker before staging is deleted

    def join_background(self) -> None:
        """Wait for the folder-mirroring thread (before a fork, and before linking)."""
        if self._mirror is not None:
            self._mirror.join()
            self._mirror = None

    def retire(self, old: Path) -> None:
        """Keep the replaced output as the next build's staging tree (see recycled_staging)."""
        shutil.rmtree(self.spare, ignore_errors=True)
        try:
            self.spare.parent.mkdir(parents=True, exist_ok=True)
            old.rename(self.spare)
        except OSError:
            shutil.rmtree(old, ignore_errors=True)

    @property
    def unchanged(self) -> int:
        return len(self.linked)

    # --- after success ---------------------------------------------------------------------

    def commit(self, context: Mapping[str, Any]) -> None:
        """Record this build (called once the new output is in place)."""
        output = str(self.output)
        pages = {
            path: [page.key, page.reads]
            for path, page in self.pages.items()
            if os.path.isfile(os.path.join(output, path))
        }
        if self.resident is not None and self.resident.partial:  # few pages changed their reads
            reads = self.read_digests
        else:
            reads = {read: self.read_digests.get(read) for p in pages.values() for read in p[1]}
        now = max(self.started, time.time())
        state = BuildState(
            inputs=self.inputs,
            code=self.code,
            output_identity=output_identity(self.output),
            valid_until=self._valid_until(context, now),
            pages=pages,
            reads=reads,
        )
        if self.resident is not None:  # kept in memory, written when the process stops
            self.resident.commit(self, state)
            return
        self.save_state(state)
        ra_core.html.save(self.cache / HTML_TAGS_FILE)
        ra_core.memo.save(self.cache / MEMO_FILE)

    def _valid_until(self, context: Mapping[str, Any], now: float) -> float:
        """When this output goes stale though no file changes. A resident process's partial
        re-run changed no date (same front matter): the last build's answer stands."""
        if self.resident is not None and self.resident.partial and self.previous is not None:
            return self.previous.valid_until
        return clock.next_change(context, self.settings_keys, now)

    def save_state(self, state: BuildState) -> None:
        """Write the record of a build and the template facts it used."""
        state.save(self.cache / STATE_FILE)
        used = {d: self.template_store[d] for d in self.templates_used if d in self.template_store}
        save_json(self.cache / TEMPLATES_FILE, used)
