"""Turn Pelican's reader failures into ContentErrors.

Pelican logs "Could not process x.md" (the reason is dropped unless DEBUG) or "Skipping x.md"
and carries on. We wrap each generator's ``readers.read_file`` so the failure is recorded with
the file and the field, and then let Pelican go on exactly as before.
"""

from __future__ import annotations

import os
import re
from functools import wraps
from typing import Any

from ra_core import ContentError, report_error, source_label

from ra_validate.fields import KNOWN_KEYS, suggestion

#: Pelican's statuses; any other is skipped with a log line an editor never sees.
STATUSES = ("published", "draft", "hidden", "skip")
_KINDS = {"Article": "post", "Page": "page", "Product": "product", "Event": "event"}

_DATE_FIELDS = ("date", "modified")
_META_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):\s*(.*)$")


def front_matter(path: str) -> dict[str, str]:
    """Raw ``Key: value`` lines at the top of a Markdown file (keys lower-cased)."""
    meta: dict[str, str] = {}
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for line in handle:
                if not line.strip():
                    break
                match = _META_LINE.match(line.rstrip("\n"))
                if match:
                    meta[match.group(1).lower()] = match.group(2).strip()
    except (OSError, UnicodeDecodeError):
        return {}
    return meta


def diagnose(path: str, exc: BaseException) -> tuple[str, str]:
    """(field, message) for a reader exception, naming the date field when that was it."""
    message = str(exc) or type(exc).__name__
    if "is not a valid date" in message:
        meta = front_matter(path)
        for name in _DATE_FIELDS:
            value = meta.get(name)
            if value is not None and repr(value.replace("_", " ")) in message:
                return name, f"{value!r} is not a valid date"
        return "date", message
    if isinstance(exc, UnicodeDecodeError):
        return "file", "is not valid UTF-8"
    return "file", f"could not be read: {message}"


def front_matter_errors(label: str, path: str, class_name: str, content: Any) -> list[ContentError]:
    """A status Pelican would skip the file for, and keys one typo away from a known one
    (``Sumary:``): Pelican would ignore both without a word."""
    errors: list[ContentError] = []
    status = str(getattr(content, "status", "published") or "published")
    if status not in STATUSES:
        choices = ", ".join(STATUSES)
        errors.append(ContentError(label, "status", f"{status!r} is not one of {choices}"))
    kind = _KINDS.get(class_name)
    if kind is not None and path.endswith(".md"):
        known = KNOWN_KEYS[kind]
        for key in front_matter(path):
            if key in known:  # difflib for every key was 19 % of a one-edit rebuild
                continue
            near = suggestion(key, kind)
            if near is not None and near != key:
                errors.append(ContentError(label, key, f"unknown key; did you mean {near!r}?"))
    return errors


def guard_readers(generator: Any) -> None:
    """Wrap ``generator.readers.read_file`` to record failures and missing mandatory fields."""
    readers = getattr(generator, "readers", None)
    if readers is None or getattr(readers.read_file, "_ra_guarded", False):
        return
    original = readers.read_file
    context = generator.context

    @wraps(original)
    def read_file(base_path: str, path: str, *args: Any, **kwargs: Any) -> Any:
        full = os.path.join(base_path, path)
        label = source_label(context, full)
        try:
            content = original(base_path, path, *args, **kwargs)
        except Exception as exc:
            field, message = diagnose(full, exc)
            report_error(context, ContentError(label, field, message))
            raise
        if type(content).__name__ == "Static":  # images and files: no front matter to check
            return content
        for prop in getattr(content, "mandatory_properties", ()):
            if not getattr(content, prop, None):
                report_error(context, ContentError(label, prop, "missing"))
        for error in front_matter_errors(label, full, type(content).__name__, content):
            report_error(context, error)
        return content

    read_file._ra_guarded = True  # type: ignore[attr-defined]
    readers.read_file = read_file
