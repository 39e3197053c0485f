"""Which context variables a template can read, and a digest of its source.

A page depends only on the variables its template (with everything it extends, includes or
imports) names, so a post edit does not re-render pages whose templates never look at the
list of posts. Anything that defeats static analysis — a template name computed at render
time, a filter or test of a plugin that receives the whole context — makes the template
depend on the whole context: correct, only slower.

Parsing is the slow part (Jinja compiles a template to find its undeclared names), so the
result is kept per source digest in a store the build session saves between builds.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, Template, TemplateNotFound, meta, nodes

#: source digest -> {"names": [...], "refs": [...] or None, "filters": [...], "tests": [...]}
Store = MutableMapping[str, dict[str, Any]]


@dataclass(frozen=True)
class TemplateDeps:
    """Names a template reads (None: any name) and a digest of all the sources involved."""

    names: frozenset[str] | None
    source_digest: bytes


def passes_context(obj: Any) -> bool:
    """A filter/test/function that receives the whole render context and could read any
    variable. Jinja's own (``map``, ``select``, ...) only use it to look up filters."""
    mode = getattr(obj, "jinja_pass_arg", None)
    if getattr(mode, "name", "") != "context":
        return False
    return not str(getattr(obj, "__module__", "")).startswith("jinja2.")


def parse_facts(env: Environment, source: str) -> dict[str, Any]:
    """What one template's source names: variables, templates, filters and tests."""
    tree = env.parse(source)
    refs = list(meta.find_referenced_templates(tree))
    return {
        "names": sorted(meta.find_undeclared_variables(tree)),
        "refs": None if None in refs else sorted(set(refs)),
        "filters": sorted({n.name for n in tree.find_all(nodes.Filter)}),
        "tests": sorted({n.name for n in tree.find_all(nodes.Test)}),
    }


class TemplateAnalyser:
    """Analyses each template once per build, each distinct source once across builds."""

    def __init__(self, store: Store | None = None, used: set[str] | None = None) -> None:
        self._deps: dict[tuple[int, str], TemplateDeps] = {}
        self.store: Store = store if store is not None else {}
        #: source digests met in this build (the store keeps only these)
        self.used: set[str] = used if used is not None else set()

    def deps(self, template: Template) -> TemplateDeps:
        env = template.environment
        name = template.name or ""
        key = (id(env), name)
        found = self._deps.get(key)
        if found is None:
            found = self._analyse(env, name)
            self._deps[key] = found
        return found

    def _analyse(self, env: Environment, name: str) -> TemplateDeps:
        names: set[str] = set()
        sources = hashlib.blake2b(digest_size=16)
        if not name or self._facts(env, name, sources) is None:
            # made from a string, or not loadable by name: nothing to analyse, never reuse
            return TemplateDeps(None, os.urandom(16))
        dynamic = not self._collect(env, name, names, sources, set())
        if dynamic:
            for other in sorted(env.list_templates()):
                self._facts(env, other, sources)
        return TemplateDeps(None if dynamic else frozenset(names), sources.digest())

    def _facts(self, env: Environment, name: str, sources: Any) -> dict[str, Any] | None:
        """Facts of one template; None if there is no such template (``ignore missing``)."""
        try:
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        except TemplateNotFound:
            sources.update(f"{name}\0missing\0".encode())
            return None
        digest = hashlib.blake2b(source.encode(), digest_size=16).hexdigest()
        sources.update(f"{name}\0{digest}\0".encode())
        self.used.add(digest)
        facts = self.store.get(digest)
        if facts is None:
            facts = parse_facts(env, source)
            self.store[digest] = facts
        return facts

    def _collect(
        self, env: Environment, name: str, names: set[str], sources: Any, seen: set[str]
    ) -> bool:
        """Add the names ``name`` and its references read; False if that cannot be known."""
        if name in seen:
            return True
        seen.add(name)
        facts = self._facts(env, name, sources)
        if facts is None:
            return True  # an ``ignore missing`` include of a template that does not exist
        if facts["refs"] is None:
            return False
        names.update(facts["names"])
        if any(passes_context(env.filters.get(f)) for f in facts["filters"]):
            return False
        if any(passes_context(env.tests.get(t)) for t in facts["tests"]):
            return False
        return all(self._collect(env, ref, names, sources, seen) for ref in facts["refs"])


def global_functions_pass_context(env: Environment, names: frozenset[str]) -> bool:
    """True if a Jinja global the template calls receives the whole context."""
    return any(passes_context(env.globals.get(name)) for name in names)
