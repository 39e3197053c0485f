"""A Pelican Writer that renders a file only when something it shows changed.

Each output file gets a dependency key: site code and settings, the sources of its template
and of everything that template pulls in, the output name, and the *structure* of exactly the
context variables the template names (which posts a listing holds, in which order; the tag
list; the page's own post, by identity). While a file is rendered, the attributes its template
reads from content objects (``post.title``, ``post.content``...) are recorded with their
digests. A file is skipped when its key is unchanged, every recorded read gives the same
digest as last time and the previous build's file still exists; the build session then links
that file into the new output. Without a session (a plain ``pelican`` run) it renders
everything, like Pelican's own Writer.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any

from pelican.paginator import Paginator
from pelican.utils import sanitised_join
from pelican.writers import Writer

from ra_incremental import split, tracking
from ra_incremental.digest import Digester
from ra_incremental.session import PageRecord, Session, session_of
from ra_incremental.templates import TemplateAnalyser, global_functions_pass_context

#: Names every Pelican template gets that are derived from the output name (part of the key).
_DERIVED_NAMES = frozenset({"output_file", "localsiteurl", "SITEURL"})


class IncrementalWriter(Writer):
    """Pelican's Writer, skipping files whose dependency key did not change."""

    def __init__(self, output_path: str, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.session: Session | None = session_of(self.settings)
        self.digester = Digester()
        session = self.session
        self.recorder = session.recorder if session else tracking.Recorder()
        self.templates = (
            TemplateAnalyser(session.template_store, session.templates_used)
            if session
            else TemplateAnalyser()
        )
        self._base = (self.session.base if self.session else "").encode()
        self._reads: dict[str, str | None] = {}
        self._names: dict[int, list[str] | None] = {}
        #: Pelican's shared context (the one holding generated_content), once seen
        self._shared: Mapping[str, Any] | None = None
        self._root = sanitised_join(output_path, ".")
        self._indexed = False
        #: while split.py renders in two processes: True in the child, False in the parent
        self.share: bool | None = None
        #: a resident process's partial re-run (resident.py): the only pages that may have
        #: changed; every other page is the last build's, without checking its key or reads
        self.affected: set[str] | None = None
        #: ids of the content objects that partial re-run edited
        self.edited: set[int] = set()

    # --- keys -----------------------------------------------------------------------------

    def _relpath(self, name: str) -> str:
        path = sanitised_join(self.output_path, name)  # absolute, posix, inside the output
        return path[len(self._root) :].lstrip("/")

    def _mine(self, name: str) -> bool:
        """Whether this process renders ``name`` (always, unless the output is split)."""
        return self.share is None or split.in_child_share(self._relpath(name)) is self.share

    def _value_digest(self, name: str, value: Any, shared: bool) -> bytes:
        if name in self.settings and self.settings[name] is value:
            return b"setting"  # covered by the settings digest in the base
        return self.digester.structure(value, shared=shared)

    def page_key(
        self,
        template: Any,
        context: Mapping[str, Any],
        name: str,
        kwargs: Mapping[str, Any],
        relative_urls: bool,
        override: bool,
    ) -> str:
        deps = self.templates.deps(template)
        env = template.environment
        if self._shared is None and "generated_content" in context:
            self._shared = context
        names = self._names.get(id(deps))
        if names is None:
            wanted = deps.names
            if wanted is not None and global_functions_pass_context(env, wanted):
                wanted = None
            names = None if wanted is None else sorted(wanted - _DERIVED_NAMES)
            self._names[id(deps)] = names
        if names is None:  # the template may read anything
            names = sorted((frozenset(context) | frozenset(kwargs)) - _DERIVED_NAMES)
        hasher = hashlib.blake2b(self._base, digest_size=20)
        hasher.update(deps.source_digest)
        hasher.update(f"\0{template.name}\0{name}\0{relative_urls}\0{override}\0".encode())
        for var in names:
            if var in kwargs:
                value, shared = kwargs[var], False
            elif var in context:
                value, shared = context[var], context is self._shared
            elif var in env.globals and not callable(env.globals[var]):
                value, shared = env.globals[var], False
            else:
                continue  # a Jinja global function or an undefined name
            hasher.update(var.encode() + b"=" + self._value_digest(var, value, shared))
        return hasher.hexdigest()

    def feed_key(self, elements: Any, context: Mapping[str, Any], **params: Any) -> str:
        hasher = hashlib.blake2b(self._base, digest_size=20)
        hasher.update(repr(sorted(params.items())).encode())
        for var in ("SITENAME", "SITESUBTITLE", "SITEURL", "FEED_DOMAIN"):
            hasher.update(self._value_digest(var, context.get(var), shared=False))
        limit = self.settings.get("FEED_MAX_ITEMS")
        for element in list(elements)[:limit]:
            hasher.update(self.digester.content(element))
        return hasher.hexdigest()

    def _read_digest(self, read: str, context: Mapping[str, Any]) -> str | None:
        """Current digest of a recorded read (``Kind:source`` + ``\0`` + attribute)."""
        found = self._reads.get(read)
        if found is not None or read in self._reads:
            return found
        identity, _, name = read.rpartition("\0")
        content = self.digester.known.get(identity)
        if content is None:
            self._index_known(context)
            content = self.digester.known.get(identity)
        digest = None if content is None else self.digester.attribute(content, name).hex()
        self._reads[read] = digest
        return digest

    def _index_known(self, context: Mapping[str, Any]) -> None:
        if self._indexed:
            return
        self._indexed = True
        for content in context.get("generated_content", {}).values():
            if content is not None:
                self.digester.identity(content)
                for translation in getattr(content, "translations", []) or []:
                    self.digester.identity(translation)

    def _unchanged(self, record: PageRecord, context: Mapping[str, Any]) -> bool:
        assert self.session is not None
        previous = self.session.previous_reads
        return all(self._read_digest(read, context) == previous.get(read) for read in record.reads)

    def _claim(self, name: str, key: str, override: bool, context: Mapping[str, Any]) -> bool:
        """True if this file must be rendered now; False if it is reused or discarded."""
        if self.session is None:
            return True
        path = sanitised_join(self.output_path, name)
        if path in self._overridden_files and not override:
            return False  # Pelican would discard this write: the overriding one stands
        relpath = self._relpath(name)
        previous = self.session.previous_page(relpath, key)
        reusable = (
            previous is not None
            and path not in self._written_files
            and self._unchanged(previous, context)
        )
        if not reusable:
            return True
        assert previous is not None
        self._record(relpath, key, previous.reads, reused=True)
        self._written_files.add(path)
        if override:
            self._overridden_files.add(path)
        return False

    def _reuse_unaffected(self, name: str, override: bool) -> bool:
        """In a partial re-run: keep a page (or feed) no edited object was read for (or is
        in), as it was."""
        assert self.session is not None and self.affected is not None
        plain = name.replace(".html", "").replace(".xml", "")
        if name.startswith("/") or name.endswith("/") or "." in plain or "//" in plain:
            relpath, path = self._relpath(name), sanitised_join(self.output_path, name)
        else:  # a plain relative name (nearly all): no need to resolve it
            relpath, path = name, f"{self._root}/{name}"
        prev = self.session.previous
        entry = prev.pages.get(relpath) if prev is not None else None
        if relpath in self.affected or entry is None or path in self._written_files:
            return False
        if path in self._overridden_files and not override:
            return True
        if not os.path.isfile(os.path.join(self.session.output, relpath)):
            return False
        key, reads = entry  # its reads' digests are in the session already (resident.py)
        self.session.record(relpath, PageRecord(key, reads), {}, reused=True)
        self._written_files.add(path)
        if override:
            self._overridden_files.add(path)
        return True

    def _record(self, relpath: str, key: str, reads: list[str], reused: bool) -> None:
        assert self.session is not None
        digests = {read: self._reads.get(read) for read in reads}
        self.session.record(relpath, PageRecord(key, reads), digests, reused=reused)

    # --- Writer API -----------------------------------------------------------------------

    def write_feed(
        self,
        elements: Any,
        context: Any,
        path: str | None = None,
        url: str | None = None,
        feed_type: str = "atom",
        override_output: bool = False,
        feed_title: str | None = None,
    ) -> Any:
        if path and self.session is not None:
            if not self._mine(path):
                return None
            shown = list(elements)[: self.settings.get("FEED_MAX_ITEMS")]
            if (
                self.affected is not None
                and not any(id(element) in self.edited for element in shown)
                and self._reuse_unaffected(path, override_output)
            ):
                return None
            key = self.feed_key(
                elements, context, path=path, url=url, feed_type=feed_type, title=feed_title
            )
            if not self._claim(path, key, override_output, context):
                return None
            feed = super().write_feed(
                elements, context, path, url, feed_type, override_output, feed_title
            )
            self._record(self._relpath(path), key, [], reused=False)
            return feed
        return super().write_feed(
            elements, context, path, url, feed_type, override_output, feed_title
        )

    def write_file(
        self,
        name: str,
        template: Any,
        context: Any,
        relative_urls: bool = False,
        paginated: Mapping[str, Any] | None = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not name or self.session is None:
            super().write_file(
                name,
                template,
                context,
                relative_urls,
                paginated,
                template_name,
                override_output,
                url,
                **kwargs,
            )
            return
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            per_page = (
                self.settings["PAGINATED_TEMPLATES"][template_name]
                or self.settings["DEFAULT_PAGINATION"]
            )
            paginators = {
                key: Paginator(name, url, val, self.settings, per_page)
                for key, val in paginated.items()
            }
            for number in range(next(iter(paginators.values())).num_pages):
                page_kwargs = dict(kwargs)
                save_as = name
                for key, paginator in paginators.items():
                    page = paginator.page(number + 1)
                    has_next = number + 1 < paginator.num_pages
                    page_kwargs.update(
                        {
                            f"{key}_paginator": paginator,
                            f"{key}_page": page,
                            f"{key}_previous_page": paginator.page(number) if number else None,
                            f"{key}_next_page": paginator.page(number + 2) if has_next else None,
                        }
                    )
                    save_as = page.save_as
                self._write_one(template, context, save_as, page_kwargs, relative_urls,
                                override_output)  # fmt: skip
            return
        self._write_one(template, context, name, kwargs, relative_urls, override_output)

    def _write_one(
        self,
        template: Any,
        context: Any,
        name: str,
        kwargs: dict[str, Any],
        relative_urls: bool,
        override: bool,
    ) -> None:
        if not self._mine(name):
            return
        if self.affected is not None and self._reuse_unaffected(name, override):
            return
        tracking.instrument(template.environment, self.recorder)
        key = self.page_key(template, context, name, kwargs, relative_urls, override)
        if not self._claim(name, key, override, context):
            return
        # Pelican's own write of exactly one file (no pagination: already done above).
        with self.recorder.recording() as reads:
            super().write_file(
                name, template, context, relative_urls, {}, None, override, None, **kwargs
            )
        recorded: list[str] = []
        for content, attribute in reads.items():
            read = self.digester.identity(content).decode() + "\0" + attribute
            self._reads[read] = self.digester.attribute(content, attribute).hex()
            recorded.append(read)
        self._record(self._relpath(name), key, sorted(recorded), reused=False)
