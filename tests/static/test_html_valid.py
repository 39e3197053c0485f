"""The W3C Nu HTML checker (npm ``vnu-jar``, run on Debian's Java) over the whole sample
build: not one error on any page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.checkers import vnu_errors


@pytest.mark.slow
def test_every_page_of_the_sample_build_is_valid_html(sample_site: Path) -> None:
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) > 50
    assert vnu_errors(sample_site) == []
