"""Folder-tree chores of a staging tree: recreate folders, empty files, prune empty ones.

Creating and deleting thousands of folders (one per pretty URL) costs more than writing the
pages on many file systems, so staging trees are recycled rather than made from scratch.
"""

from __future__ import annotations

import os
import threading
from contextlib import suppress
from pathlib import Path


def mirror_folders(source: Path, target: Path, stop: threading.Event) -> None:
    """Create under ``target`` every folder ``source`` has (existing ones are fine)."""
    for folder, dirs, _ in os.walk(source):
        if stop.is_set():
            return
        base = os.path.join(target, os.path.relpath(folder, source))
        for name in dirs:
            with suppress(OSError):
                os.mkdir(os.path.join(base, name))


def remove_empty_folders(root: Path) -> None:
    for folder, _, files in os.walk(root, topdown=False):
        if not files and folder != str(root):
            with suppress(OSError):  # it still has subfolders with files
                os.rmdir(folder)


def remove_files(root: Path) -> None:
    """Delete every file under ``root`` and keep the folders."""
    for folder, _, files in os.walk(root):
        for name in files:
            os.unlink(os.path.join(folder, name))
