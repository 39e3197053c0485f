"""Record which attributes of which content objects a template read while rendering a page.

A listing shows a post's title and summary, not its body; a tag cloud shows tag names and
counts, not posts at all. Recording the reads makes that exact: after a post's body is edited,
only pages that read its body (its own page, feeds) are rendered again.

Jinja routes every ``obj.attr`` and ``obj[key]`` in a template (and in ``map``, ``sort``,
``selectattr``... with ``attribute=``) through ``Environment.getattr``/``getitem``, and every
call of a context function through ``Context.call``; we wrap those. A content object handed
to a filter, test or function that is not Jinja's own counts as read in full (``*``), since
Python code may read anything from it.

The reads go to a ``Recorder`` the build session owns; an instrumented environment keeps a
reference to the recorder of the build that rendered with it last (``instrument``), so an
environment a resident process keeps between builds records into the current one.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from jinja2 import Environment
from jinja2.runtime import Context, Macro
from pelican.contents import Content

#: The attribute name meaning "everything this object has" (see Digester.content).
WHOLE = "*"
_SAFE_MODULES = ("jinja2.", "markupsafe", "builtins")
#: Classes whose properties only compute numbers, names and URLs (no content reads).
_TRUSTED_MODULES = ("jinja2.", "markupsafe", "pelican.paginator", "pelican.urlwrappers")


class Reads:
    """The (content object, attribute) pairs read during one render."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[int, str], Content] = {}

    def add(self, content: Content, name: str) -> None:
        self.pairs[(id(content), name)] = content

    def add_arguments(self, values: Any) -> None:
        for value in values:
            if isinstance(value, Content):
                self.add(value, WHOLE)
            elif isinstance(value, list | tuple):
                for item in value:
                    if isinstance(item, Content):
                        self.add(item, WHOLE)

    def items(self) -> Iterator[tuple[Content, str]]:
        for (_, name), content in self.pairs.items():
            yield content, name


class Recorder:
    """Where the reads of the page being rendered go (one per build session)."""

    def __init__(self) -> None:
        self.active: Reads | None = None

    @contextmanager
    def recording(self) -> Iterator[Reads]:
        """Collect the reads of every template rendered inside the block."""
        reads = Reads()
        previous, self.active = self.active, reads
        try:
            yield reads
        finally:
            self.active = previous


def _active(env: Environment) -> Reads | None:
    recorder: Recorder | None = getattr(env, "_ra_recorder", None)
    return recorder.active if recorder is not None else None


def _is_foreign(func: Any) -> bool:
    """Not one of Jinja's own helpers (those only pass values through to ``getattr``)."""
    if isinstance(func, Macro):
        return False
    module = str(getattr(func, "__module__", "") or "")
    return not module.startswith(_SAFE_MODULES)


@cache
def _computed(cls: type, name: str) -> bool:
    """Whether ``cls.name`` runs Python code (a property or method) of a plugin's class.

    Such code may read content objects the template never touched (``occurrence.url`` is
    ``occurrence.event.url``), so the content objects the instance holds count as read in
    full. Builtins and Jinja/Pelican helpers are not plugin code."""
    if cls.__module__ in ("builtins",) or cls.__module__.startswith(_TRUSTED_MODULES):
        return False
    found = inspect.getattr_static(cls, name, None)
    return isinstance(found, property | functools.cached_property | types.FunctionType)


def _content_fields(obj: Any) -> list[Content]:
    values = vars(obj).values() if hasattr(obj, "__dict__") else ()
    return [value for value in values if isinstance(value, Content)]


def _wrap_callable(env: Environment, func: Callable[..., Any]) -> Callable[..., Any]:
    if getattr(func, "_ra_tracked", False) or not _is_foreign(func):
        return func

    def tracked(*args: Any, **kwargs: Any) -> Any:
        reads = _active(env)
        if reads is not None:
            reads.add_arguments(args)
            reads.add_arguments(kwargs.values())
        return func(*args, **kwargs)

    for attribute in ("jinja_pass_arg", "__name__", "__qualname__", "__module__", "__doc__"):
        if hasattr(func, attribute):
            setattr(tracked, attribute, getattr(func, attribute))
    tracked._ra_tracked = True  # type: ignore[attr-defined]
    return tracked


class TrackingContext(Context):
    """Jinja's Context, noting content objects passed to functions from the template."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        reads = _active(__self.environment)
        if reads is not None and _is_foreign(__obj):
            reads.add_arguments(args)
            reads.add_arguments(kwargs.values())
        return super().call(__obj, *args, **kwargs)


def instrument(env: Environment, recorder: Recorder) -> None:
    """Install the read recorders on one Jinja environment (once), recording into
    ``recorder`` from now on."""
    env._ra_recorder = recorder  # type: ignore[attr-defined]
    if getattr(env, "_ra_tracked", False):
        return
    base_getattr, base_getitem = env.getattr, env.getitem

    def getattr_(obj: Any, attribute: str) -> Any:
        reads = _active(env)
        if reads is not None:
            if isinstance(obj, Content):
                reads.add(obj, attribute)
            elif _computed(obj.__class__, attribute):
                reads.add_arguments(_content_fields(obj))
        return base_getattr(obj, attribute)

    def getitem(obj: Any, argument: Any) -> Any:
        reads = _active(env)
        if reads is not None and isinstance(obj, Content) and isinstance(argument, str):
            reads.add(obj, argument)
        return base_getitem(obj, argument)

    env.getattr = getattr_  # type: ignore[method-assign]
    env.getitem = getitem  # type: ignore[method-assign]
    for table in (env.filters, env.tests):
        for name, func in list(table.items()):
            table[name] = _wrap_callable(env, func)
    if not issubclass(env.context_class, TrackingContext):
        env.context_class = type("TrackingContext", (TrackingContext, env.context_class), {})
    env._ra_tracked = True  # type: ignore[attr-defined]


def refresh(env: Environment) -> None:
    """Wrap filters and tests added to the environment after it was instrumented."""
    for table in (env.filters, env.tests):
        for name, func in list(table.items()):
            table[name] = _wrap_callable(env, func)
