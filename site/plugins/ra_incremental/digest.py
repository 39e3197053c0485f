"""Digests of the values a template is rendered with, so unchanged pages can be skipped.

Two kinds of digest:

- ``structure(value)``: a value as a template receives it, with every content object (post,
  page, event, product) standing only for its identity (kind and source file). Which posts a
  listing holds, in which order, how many: all there; what the posts say: not. What a template
  reads from a content object is recorded while rendering (``tracking``) and digested with
- ``attribute(content, name)``: one attribute (``title``, ``summary``, ``content``...), or
  ``content(obj)`` for everything it has (its HTML with links resolved, summary, URL, status
  and every attribute a reader or plugin set).

A plugin object may define ``__digest_fields__(self)`` returning the plain values that stand
for it (e.g. a calendar month names its neighbours by year and month, not by their contents).

Values this module cannot describe stably are digested through a repr without memory
addresses; if that is still unstable the page is rendered again, never wrongly skipped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import re
import types
from collections.abc import Mapping, Sized
from typing import Any

from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from ra_incremental.tracking import WHOLE

#: Attributes of a content object that are shared by all of them (covered by the settings
#: digest) or are caches of values digested another way.
SKIPPED_ATTRIBUTES = frozenset({"settings", "_context", "_summary", "_content"})
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_SCALARS = (str, int, float, bool, bytes, type(None))
_CONTAINERS = (list, dict, set, Mapping)
_MAX_DEPTH = 16


def _text(content: Content, name: str) -> bytes:
    """A rendered property (HTML with links resolved); Pelican raises for a body-less one."""
    try:
        return str(getattr(content, name, "") or "").encode()
    except (TypeError, ValueError, AttributeError):
        return b"<unavailable>"


def _hash() -> Any:
    return hashlib.blake2b(digest_size=16)


class Digester:
    """Digests values for one build; content digests are computed once per object."""

    def __init__(self) -> None:
        self._contents: dict[int, tuple[Any, bytes]] = {}
        self._values: dict[tuple[int, int], tuple[Any, bytes]] = {}
        self._wrappers: dict[int, tuple[Any, bytes]] = {}
        self._identities: dict[int, tuple[Any, bytes]] = {}
        self._lists: dict[int, tuple[Any, tuple[int, ...], bytes]] = {}
        #: every content object met so far, by identity (to look up recorded reads)
        self.known: dict[str, Any] = {}

    # --- public ---------------------------------------------------------------------------

    def structure(self, value: Any, shared: bool = False) -> bytes:
        """Digest of a value with content objects standing for their identity only.

        Memoised per object for ``shared`` values (Pelican's shared context, filled before any
        page is written) and for plugin objects (built while reading, like a calendar month);
        a page's own lists and dicts are digested every time, since a plugin may refill the
        same list or dict between two pages.
        """
        if isinstance(value, Content):
            return self.identity(value)
        if not shared and isinstance(value, list | tuple):
            return self._content_list(value)
        if isinstance(value, _SCALARS) or (not shared and isinstance(value, _CONTAINERS)):
            return self._digest(value)
        size = len(value) if isinstance(value, Sized) else -1
        key = (id(value), size)
        cached = self._values.get(key)
        if cached is not None and cached[0] is value:
            return cached[1]
        digest = self._digest(value)
        self._values[key] = (value, digest)
        return digest

    def _content_list(self, value: list[Any] | tuple[Any, ...]) -> bytes:
        """A page's list: memoised only while it holds the very same content objects (a
        listing's posts, passed again for each of its pages)."""
        ids = tuple(map(id, value))
        cached = self._lists.get(id(value))
        if cached is not None and cached[0] is value and cached[1] == ids:
            return cached[2]
        digest = self._digest(value)
        if all(isinstance(item, Content) for item in value):
            self._lists[id(value)] = (value, ids, digest)
        return digest

    def attribute(self, content: Content, name: str) -> bytes:
        """Digest of what ``content.<name>`` gives a template (a method: all of it)."""
        if name == WHOLE:
            return self.content(content)
        try:
            value = getattr(content, name)
        except AttributeError:
            return b"<missing>"
        except (TypeError, ValueError):
            return b"<unavailable>"
        if callable(value) and not isinstance(value, type):
            return self.content(content)
        return self._digest(value)

    def identity(self, content: Any) -> bytes:
        """Which content object this is: kind and source file (or URL when it has none)."""
        cached = self._identities.get(id(content))
        if cached is not None and cached[0] is content:
            return cached[1]
        source = getattr(content, "source_path", None) or getattr(content, "save_as", "")
        identity = f"{type(content).__name__}:{source}"
        self.known.setdefault(identity, content)
        self._identities[id(content)] = (content, identity.encode())
        return identity.encode()

    def content(self, content: Content) -> bytes:
        """Full digest of a content object: what its own page or a listing shows of it."""
        cached = self._contents.get(id(content))
        if cached is not None and cached[0] is content:
            return cached[1]
        hasher = _hash()
        hasher.update(self.link_fields(content))
        hasher.update(_text(content, "content") + b"\0summary\0" + _text(content, "summary"))
        for name, value in sorted(vars(content).items()):
            if name in SKIPPED_ATTRIBUTES:
                continue
            hasher.update(b"\0" + name.encode() + b"=")
            self._feed(hasher, value, depth=1, seen=set())
        digest = hasher.digest()
        self._contents[id(content)] = (content, digest)
        return digest

    def link_fields(self, content: Any) -> bytes:
        """Kind, source, URL, title, date, status and template of a content object."""
        fields = (
            type(content).__name__,
            getattr(content, "source_path", ""),
            getattr(content, "url", ""),
            getattr(content, "save_as", ""),
            getattr(content, "title", ""),
            getattr(content, "date", ""),
            getattr(content, "status", ""),
            getattr(content, "template", ""),
        )
        return "\0".join(str(f) for f in fields).encode()

    # --- internals ------------------------------------------------------------------------

    def _digest(self, value: Any) -> bytes:
        hasher = _hash()
        self._feed(hasher, value, depth=0, seen=set())
        return hasher.digest()

    def _feed(self, hasher: Any, value: Any, depth: int, seen: set[int]) -> None:
        update = hasher.update
        if isinstance(value, _SCALARS):
            update(f"{type(value).__name__}:{value!s}\0".encode())
            return
        if depth > _MAX_DEPTH or id(value) in seen:
            update(b"<deep>" + type(value).__qualname__.encode())
            return
        if isinstance(value, Content):
            update(b"C" + self.identity(value))
            return
        if isinstance(value, URLWrapper):
            update(self._wrapper(value))
            return
        if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
            update(f"T{value!r}\0".encode())
            return
        seen = seen | {id(value)}
        if isinstance(value, Page):
            update(f"P{value.number}/{value.paginator.num_pages}\0".encode())
            for item in value.object_list:
                self._feed(hasher, item, depth + 1, seen)
            return
        if isinstance(value, Paginator):
            update(f"G{value.count}/{value.num_pages}/{value.per_page}\0".encode())
            return
        if isinstance(value, Mapping):
            update(b"{")
            for key in sorted(value, key=str):
                update(str(key).encode() + b":")
                self._feed(hasher, value[key], depth + 1, seen)
            update(b"}")
            return
        if isinstance(value, list | tuple):
            update(b"[")
            for item in value:
                self._feed(hasher, item, depth + 1, seen)
            update(b"]")
            return
        if isinstance(value, set | frozenset):
            digests = sorted(self._sub(item, depth + 1, seen) for item in value)
            update(b"S" + b"".join(digests))
            return
        if isinstance(value, enum.Enum):
            update(f"E{value!r}".encode())
            return
        if isinstance(value, type | types.FunctionType | types.BuiltinFunctionType):
            update(f"F{getattr(value, '__module__', '')}.{value.__qualname__}".encode())
            return
        stand_in = getattr(type(value), "__digest_fields__", None)
        if stand_in is not None:  # a plugin object saying what of it a template can show
            update(b"V" + type(value).__qualname__.encode())
            self._feed(hasher, stand_in(value), depth + 1, seen)
            return
        if dataclasses.is_dataclass(value):
            update(b"D" + type(value).__qualname__.encode())
            for item in dataclasses.fields(value):
                update(item.name.encode() + b"=")
                self._feed(hasher, getattr(value, item.name), depth + 1, seen)
            return
        attributes = getattr(value, "__dict__", None)
        if isinstance(attributes, dict) and not isinstance(value, types.ModuleType):
            update(b"O" + type(value).__qualname__.encode())
            self._feed(hasher, attributes, depth + 1, seen)
            return
        update(b"R" + _ADDRESS.sub("", repr(value)).encode())

    def _wrapper(self, value: URLWrapper) -> bytes:
        """A tag, category or author: its name, slug and URLs (memoised: URLs are computed)."""
        cached = self._wrappers.get(id(value))
        if cached is not None and cached[0] is value:
            return cached[1]
        parts = (type(value).__name__, value.name, value.slug, value.url, value.save_as)
        digest = ("W" + "\0".join(str(p) for p in parts)).encode()
        self._wrappers[id(value)] = (value, digest)
        return digest

    def _sub(self, value: Any, depth: int, seen: set[int]) -> bytes:
        hasher = _hash()
        self._feed(hasher, value, depth, seen)
        return hasher.digest()
