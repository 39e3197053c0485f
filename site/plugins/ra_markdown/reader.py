"""A Pelican reader for ``.md`` files: the same front matter rules, a faster Markdown engine.

Front matter follows Python-Markdown's ``meta`` extension, as Pelican's own MarkdownReader
does: ``Key: value`` lines up to the first blank line (an optional ``---`` before and
``---``/``...`` after), a line indented four spaces continues the previous key. Values go
through Pelican's metadata processors; ``FORMATTED_FIELDS`` (the summary) are rendered as
Markdown too.
"""

from __future__ import annotations

import re
from typing import Any

from pelican.readers import DUPLICATES_DEFINITIONS_ALLOWED, BaseReader
from pelican.utils import pelican_open

from ra_markdown.render import render

_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
_BEGIN = re.compile(r"^-{3}(\s.*)?")
_END = re.compile(r"^(-{3}|\.{3})(\s.*)?")


def split_front_matter(text: str) -> tuple[dict[str, list[str]], str]:
    """({lower-cased key: [values]}, the body after the front matter)."""
    lines = text.split("\n")
    start = 1 if lines and _BEGIN.match(lines[0]) else 0
    meta: dict[str, list[str]] = {}
    key = ""
    index = start
    while index < len(lines):
        line = lines[index]
        if not line.strip() or _END.match(line):
            index += 1
            break
        found = _META.match(line)
        if found:
            key = found.group("key").lower()
            meta.setdefault(key, []).append(found.group("value").strip())
        else:
            more = _META_MORE.match(line)
            if not (more and key):
                break
            meta[key].append(more.group("value").strip())
        index += 1
    return meta, "\n".join(lines[index:])


class FastMarkdownReader(BaseReader):
    """Markdown through pulldown-cmark (``ra_markdown.render``)."""

    enabled = True
    file_extensions = ["md", "markdown", "mkd", "mdown"]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        with pelican_open(source_path) as text:
            meta, body = split_front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
        return render(body), self._metadata(meta)

    def _metadata(self, meta: dict[str, list[str]]) -> dict[str, Any]:
        formatted = self.settings["FORMATTED_FIELDS"]
        output: dict[str, Any] = {}
        for name, values in meta.items():
            if name in formatted:
                output[name] = self.process_metadata(name, render("\n".join(values)))
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True) or len(values) == 1:
                output[name] = self.process_metadata(name, values[0])
            else:
                output[name] = self.process_metadata(name, values)
        return output
