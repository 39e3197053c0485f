"""The static site's theme as the API's pages use it: the header macro's folder and site.css.

The API serves the theme's stylesheet itself, at a content-hashed path on its own origin,
rather than linking the build's hashed copy on the site: the shop has its own host (deploy/
Caddyfile), a build need not be present where the API runs (tests, ``make serve``), and the
site and the API may be deployed minutes apart. Same source bytes, same look; the hashed path
lets a browser keep it for a year, and a restart with a changed site.css serves a new path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

__all__ = ["THEME_TEMPLATES", "Stylesheet", "serve_stylesheet", "stylesheet"]

THEME = Path(__file__).resolve().parents[2] / "site" / "theme"
THEME_TEMPLATES = THEME / "templates"
"""Where ``_site_header.html`` and ``_logo.html`` live (shared with the static pages)."""
_SOURCE = THEME / "static" / "css" / "site.css"
_IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Stylesheet:
    path: str
    """``/theme/css/site.<first 8 hex digits of its SHA-256>.css``."""
    body: bytes


@lru_cache(maxsize=1)
def stylesheet() -> Stylesheet:
    """site.css as this process serves it (read once: the path and the bytes always agree)."""
    body = _SOURCE.read_bytes()
    return Stylesheet(f"/theme/css/site.{hashlib.sha256(body).hexdigest()[:8]}.css", body)


@get("/theme/css/{name:str}", include_in_schema=False, sync_to_thread=False)
def serve_stylesheet(name: FromPath[str]) -> Response[bytes]:
    """The pages' stylesheet; any other name (an older hash) is a 404."""
    sheet = stylesheet()
    if f"/theme/css/{name}" != sheet.path:
        raise NotFoundException(f"no stylesheet {name}")
    return Response(
        sheet.body,
        media_type="text/css",
        headers={"Cache-Control": _IMMUTABLE, "X-Content-Type-Options": "nosniff"},
    )
