"""Where the repository's parts are, and access to the build driver (``site/build_site.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = REPO_ROOT / "site"
BUILD_SCRIPT = SITE_DIR / "build_site.py"


def use_site_code() -> None:
    """Make ``build_site`` importable: it is a script in ``site/``, which cannot be a package
    (``site`` would shadow Python's own module). The ``ra_*`` packages are installed."""
    if str(SITE_DIR) not in sys.path:
        sys.path.insert(0, str(SITE_DIR))
