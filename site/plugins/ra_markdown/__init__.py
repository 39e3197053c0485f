"""Markdown files read with pulldown-cmark (Rust, through ``pyromark``) instead of
Python-Markdown: the same front matter, HTML in the same form for what editors write,
100-200 times faster on long posts. docs/markdown.md lists the syntax that differs."""

from __future__ import annotations

from typing import Any

from ra_markdown.reader import FastMarkdownReader, split_front_matter
from ra_markdown.render import render

__all__ = ["FastMarkdownReader", "register", "render", "split_front_matter"]


def use_fast_reader(readers: Any) -> None:
    """readers_init (sent before Pelican makes its readers): ours for every Markdown file."""
    for extension in FastMarkdownReader.file_extensions:
        readers.reader_classes[extension] = FastMarkdownReader


def register() -> None:
    from pelican import signals

    signals.readers_init.connect(use_fast_reader)
