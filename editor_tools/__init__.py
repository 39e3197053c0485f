"""Editors' tools behind the Makefile: ``python -m editor_tools COMMAND``.

- ``new`` (make new-post/new-event/new-product): a new content file with every field;
- ``check`` (make check): what must be fixed before publishing, and what to review;
- ``import-ghost`` (make import-ghost): a Ghost JSON export into content/;
- ``preview`` (make preview): a resident build, a local server and live reload;
- ``publish`` (make publish): build, check, upload, catalogue, fediverse.

Each command is a module with a pure core and a thin ``run(args)`` shell; errors an editor can
fix are :class:`EditorError` (one line, exit 1), never a traceback.
"""

from editor_tools._errors import EditorError

__all__ = ["EditorError"]
