from __future__ import annotations

from pathlib import Path
from typing import Any


def write_manifests(context: Any, output: Path, asset_map: dict[str, str]) -> None:
    return None
