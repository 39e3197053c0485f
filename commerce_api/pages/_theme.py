"""The static site's theme as the API's pages use it: the header macro's folder, site.css and
the logo (the tab's icon).

The API serves those two theme files itself, at content-hashed paths on its own origin, rather
than linking the build's hashed copies on the site: the shop has its own host (deploy/
Caddyfile), a build need not be present where the API runs (tests, ``make serve``), and the
site and the API may be deployed minutes apart. Same source bytes, same look; the hashed path
lets a browser keep a file for a year, and a restart with a changed file serves a new path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

__all__ = ["THEME_TEMPLATES", "ThemeFile", "serve_theme_file", "theme_files"]

THEME = Path(__file__).resolve().parents[2] / "site" / "theme"
THEME_TEMPLATES = THEME / "templates"
"""Where ``_site_header.html`` and ``_logo.html`` live (shared with the static pages)."""
_SHARED = {"stylesheet": "css/site.css", "icon": "images/logo.svg"}
_TYPES = {".css": "text/css", ".svg": "image/svg+xml"}
_IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class ThemeFile:
    path: str
    """``/theme/css/site.<first 8 hex digits of its SHA-256>.css``."""
    body: bytes
    media_type: str


@lru_cache(maxsize=1)
def theme_files() -> dict[str, ThemeFile]:
    """The shared files by role (``stylesheet``, ``icon``), read once: a path and its bytes
    always agree in this process."""
    files = {}
    for role, name in _SHARED.items():
        source = PurePosixPath(name)
        body = (THEME / "static" / source).read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:8]
        path = f"/theme/{source.parent}/{source.stem}.{digest}{source.suffix}"
        files[role] = ThemeFile(path, body, _TYPES[source.suffix])
    return files


@get("/theme/{path:path}", include_in_schema=False, sync_to_thread=False)
def serve_theme_file(path: FromPath[str]) -> Response[bytes]:
    """A shared theme file by its hashed path; any other path (an older hash) is a 404."""
    wanted = f"/theme/{path.lstrip('/')}"
    for file in theme_files().values():
        if file.path == wanted:
            return Response(
                file.body,
                media_type=file.media_type,
                headers={"Cache-Control": _IMMUTABLE, "X-Content-Type-Options": "nosniff"},
            )
    raise NotFoundException(f"no theme file {wanted}")
