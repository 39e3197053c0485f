"""Shared pieces for Rose Ash's plugins and post-processing steps (content errors, helpers).

A library, not a Pelican plugin: it connects to no signal.
"""

from manifest_contract import canonical_json, content_hash
from ra_core.errors import ContentError, content_errors, plural, report_error
from ra_core.files import write_atomic, write_new, write_or_link
from ra_core.html import Tags, html_tags, script_safe
from ra_core.rerun import EDITED_KEY, edited_content
from ra_core.sources import LABEL_SETTING, source_label

__all__ = [
    "EDITED_KEY",
    "LABEL_SETTING",
    "ContentError",
    "Tags",
    "canonical_json",
    "content_errors",
    "content_hash",
    "edited_content",
    "html_tags",
    "plural",
    "report_error",
    "script_safe",
    "source_label",
    "write_atomic",
    "write_new",
    "write_or_link",
]
