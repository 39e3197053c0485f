"""The contract with the real producer: publish what ``site/build_site.py`` makes of content/."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from federation_server.context import Context
from federation_server.db.models import PublishedObject
from federation_server.manifest import load_manifest, manifest_path
from federation_server.services.actors import ensure_local_actors
from federation_server.services.publish import publish_manifest
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("sample") / "build"
    result = subprocess.run(
        [sys.executable, "site/build_site.py", "--content", "content", "--output", str(output)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return output


async def test_every_object_of_the_sample_site_is_published_shaped_for_mastodon(
    sample_build: Path, ctx: Context
) -> None:
    manifest = load_manifest(manifest_path(sample_build))
    sections = {entry["section"] for entry in manifest.objects.values()}
    settings = ctx.settings.__class__.from_env(
        {"PUBLIC_URL": ctx.settings.public_url, "DATABASE_URL": ctx.settings.database_url,
         "FEDERATION_ACTORS": ",".join(sorted(sections))}
    )  # fmt: skip
    full = Context(settings=settings, database=ctx.database)
    await ensure_local_actors(full)
    report = await publish_manifest(full, manifest)
    assert sorted(report.created) == sorted(manifest.objects)
    assert not report.skipped
    assert not (await publish_manifest(full, manifest)).changed

    async with ctx.database.session() as session:
        rows = (await session.scalars(select(PublishedObject))).all()
    kinds = Counter((row.stable_id.split(":")[0], row.object_type) for row in rows)
    assert set(kinds) <= {("post", "Note"), ("event", "Event"), ("product", "Note")}
    for row in rows:
        obj = row.object_json
        assert "summary" not in obj  # no server hides the body behind a content warning
        assert obj["contentMap"] == {manifest.language: obj["content"]}
        assert "<img" not in obj["content"] and "<script" not in obj["content"]
        for attachment in obj.get("attachment", []):
            assert isinstance(attachment["url"], str) and attachment["name"]
        for tag in obj.get("tag", []):
            assert tag["type"] == "Hashtag" and tag["name"].startswith("#")
