"""What a build holds in memory: each body once (the build's peak memory, issue 14).

Pelican keeps a body as read and memoises a copy with its ``{static}`` links resolved; the
readers' caches keep a third reference to the text as read. On 1,000 posts of 4,500 words
each copy is ~37 MB, which took the whole build past 300 MB. The build runs in this process
(``build_site.build``) so its content objects can be looked at afterwards.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from pelican import signals

from tests.conftest import REPO_ROOT
from tests.static.conftest import SAMPLE_CONTENT, SITE_URL


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The sample site built once; the generators as Pelican finished them."""
    monkeypatch.setenv("SITE_URL", SITE_URL)
    monkeypatch.setenv("RA_BUILD_CACHE", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(REPO_ROOT / "site"))
    import build_site

    captured: list[Any] = []

    def keep(generators: list[Any]) -> None:
        captured[:] = generators

    signals.all_generators_finalized.connect(keep)
    try:
        build_site.build(SAMPLE_CONTENT, tmp_path / "build", "content")
    finally:
        signals.all_generators_finalized.disconnect(keep)
        sys.modules.pop("build_site", None)
    assert captured
    return captured


def test_a_body_with_static_links_is_held_once_with_its_links_resolved(built: list[Any]) -> None:
    articles = built[0].context["articles"]
    linking = [a for a in articles if "orchard-blossom" in (a._content or "")]
    assert linking, "the sample content has a post showing {static}/images/orchard-blossom.png"
    for article in linking:
        assert "{static}" not in article._content
        assert article.content is article._content  # the memo holds no second copy


def test_a_one_shot_build_lets_its_saved_reader_caches_go(built: list[Any]) -> None:
    caches = [g.readers._cache for g in built if getattr(g, "readers", None) is not None]
    assert caches and all(cache == {} for cache in caches)
