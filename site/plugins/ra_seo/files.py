from __future__ import annotations

from pathlib import Path
from typing import Any


def write_site_files(context: Any, output: Path) -> None:
    return None
