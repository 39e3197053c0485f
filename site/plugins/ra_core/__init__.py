"""Shared pieces for Rose Ash's Pelican plugins (content errors, helpers)."""

from ra_core.errors import ContentError, content_errors, report_error

__all__ = ["ContentError", "content_errors", "report_error"]


def register() -> None:
    """Nothing to connect: this plugin only provides shared helpers to the others."""
