"""Where the repository's parts are, and access to the site's plugins (loaded by path)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = REPO_ROOT / "site"
BUILD_SCRIPT = SITE_DIR / "build_site.py"
PLUGINS_DIR = SITE_DIR / "plugins"


def use_site_code() -> None:
    """Make ``build_site`` and the ``ra_*`` plugins importable (they are not a package:
    ``site`` would shadow Python's own module)."""
    for folder in (SITE_DIR, PLUGINS_DIR):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
