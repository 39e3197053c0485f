"""Publishing the build: the diff by stable id and content hash, and the command's errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from federation_server.__main__ import main
from federation_server.context import Context
from federation_server.db.models import LocalActor, OutboxActivity
from federation_server.manifest import load_manifest
from federation_server.services.publish import publish_manifest
from tests.federation.conftest import BASE_URL
from tests.federation.fixtures import edited, event, manifest, post, product, write_build

AP = "application/activity+json"


async def _publish(ctx: Context, tmp_path: Path, objects: list[dict], actors=None):
    build = write_build(tmp_path / "build", manifest(objects, actors))
    return await publish_manifest(ctx, load_manifest(build / "_data" / "activitystreams.json"))


async def _outbox(ctx: Context) -> list[dict]:
    async with ctx.database.session() as session:
        rows = await session.scalars(select(OutboxActivity).order_by(OutboxActivity.id))
        return [row.activity_json for row in rows]


async def test_new_changed_removed_become_create_update_delete(
    client: AsyncTestClient, ctx: Context, tmp_path: Path
) -> None:
    first, fair = post("spring-open-day"), event()
    report = await _publish(ctx, tmp_path, [first, fair])
    assert sorted(report.created) == ["event:winter-fair-2026", "post:spring-open-day"]

    again = await _publish(ctx, tmp_path, [first, fair])
    assert not again.changed
    creates = await _outbox(ctx)
    assert len(creates) == 2
    create = next(a for a in creates if a["object"]["type"] == "Event")
    assert create["type"] == "Create"
    assert create["actor"] == f"{BASE_URL}/actors/events"
    assert create["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert create["cc"] == [f"{BASE_URL}/actors/events/followers"]
    for activity in creates:  # addressed exactly as the object it wraps
        assert (activity["to"], activity["cc"]) == (activity["object"]["to"],
                                                    activity["object"]["cc"])  # fmt: skip

    retitled = edited(first, name="Spring open day (new date)", updated="2026-03-02T10:00:00Z")
    report = await _publish(ctx, tmp_path, [retitled, fair])
    assert report.updated == ["post:spring-open-day"] and not report.created
    update = (await _outbox(ctx))[-1]
    assert update["type"] == "Update"
    assert update["object"]["id"] == f"{BASE_URL}/objects/post:spring-open-day"
    assert "<strong>Spring open day (new date)</strong>" in update["object"]["content"]
    assert update["object"]["updated"] == "2026-03-02T10:00:00Z"
    assert update["object"]["updated"] > update["object"]["published"]
    assert (update["to"], update["cc"]) == (update["object"]["to"], update["object"]["cc"])
    served = (await client.get("/objects/post:spring-open-day", headers={"Accept": AP})).json()
    assert "<strong>Spring open day (new date)</strong>" in served["content"]

    report = await _publish(ctx, tmp_path, [fair])
    assert report.deleted == ["post:spring-open-day"]
    delete = (await _outbox(ctx))[-1]
    assert delete["type"] == "Delete"
    assert delete["object"]["type"] == "Tombstone"
    assert delete["object"]["id"] == update["object"]["id"]
    assert delete["object"]["formerType"] == "as:Note" and delete["object"]["deleted"]
    assert delete["to"] == update["to"] and delete["cc"] == update["cc"]
    assert not (await _publish(ctx, tmp_path, [fair])).changed


async def test_an_edit_without_a_newer_updated_still_gets_a_newer_one(
    ctx: Context, tmp_path: Path
) -> None:
    first = post("p", updated="2026-03-02T10:00:00Z")
    await _publish(ctx, tmp_path, [first])
    await _publish(ctx, tmp_path, [edited(first, name="Second title")])
    await _publish(ctx, tmp_path, [edited(first, name="Third title")])
    updates = [a["object"]["updated"] for a in await _outbox(ctx) if a["type"] == "Update"]
    assert len(updates) == 2
    assert updates[0] == "2026-03-02T10:00:00Z"  # newer than ``published``: kept
    assert updates[1] > updates[0]  # not newer than the last edit: Mastodon would ignore it


async def test_undated_product_keeps_its_first_published_date(ctx: Context, tmp_path: Path) -> None:
    honey = product(section="blog", published=None)
    await _publish(ctx, tmp_path, [honey])
    await _publish(ctx, tmp_path, [edited(honey, availability="OutOfStock")])
    create, update = await _outbox(ctx)
    assert create["object"]["published"]
    assert update["object"]["published"] == create["object"]["published"]
    assert "Out of stock" in update["object"]["content"]


async def test_manifest_actors_refresh_profiles_and_unknown_sections_are_skipped(
    client: AsyncTestClient, ctx: Context, tmp_path: Path
) -> None:
    actors = [{"name": "blog", "display_name": "Rose Ash blog", "summary": "News.",
               "icon": "https://rose-ash.example.coop/logo.png",
               "url": "https://rose-ash.example.coop/blog/"}]  # fmt: skip
    report = await _publish(ctx, tmp_path, [post("x", section="nobody")], actors)
    assert report.skipped == ["post:x"] and not report.created  # no such actor here
    actor = (await client.get("/actors/blog", headers={"Accept": AP})).json()
    assert actor["name"] == "Rose Ash blog"
    assert actor["summary"] == "News."
    assert actor["icon"]["url"] == "https://rose-ash.example.coop/logo.png"
    async with ctx.database.session() as session:
        stored = await session.scalar(select(LocalActor).where(LocalActor.name == "blog"))
    assert stored.display_name == "Rose Ash blog"


def test_publish_command_rejects_an_unknown_schema_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    document = manifest([post("x")])
    document["schema_version"] = 2
    build = write_build(tmp_path / "build", document)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    from federation_server.settings import get_settings

    get_settings.cache_clear()
    try:
        assert main(["publish", str(build)]) == 2
    finally:
        get_settings.cache_clear()
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "activitystreams.json" in error and "schema_version" in error
    assert not (tmp_path / "unused.db").exists()


HEADER = {"schema_version": 1, "site_url": "https://a.test", "generated_at": "2026-12-01T00:00:00Z"}


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("not json", "JSON"),
        (json.dumps({"schema_version": 1}), "site_url"),
        (json.dumps(HEADER), "objects"),
        (json.dumps(HEADER | {"objects": [{"id": "post:x"}]}), "objects[0].section"),
        (json.dumps(HEADER | {"objects": [{"id": "x"}]}), "objects[0].id: must be post:<slug>"),
    ],
)
def test_unusable_manifests_name_the_file_and_field(
    tmp_path: Path, content: str, field: str
) -> None:
    from federation_server.errors import ManifestError

    path = tmp_path / "activitystreams.json"
    path.write_text(content)
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    assert str(path) in caught.value.detail and field in caught.value.detail


async def test_a_recurring_events_next_sitting_reaches_followers_as_an_update(
    ctx: Context, tmp_path: Path
) -> None:
    # The build moved the club on to its next sitting (a new startTime, a new content_hash).
    club = event("knit-club", startTime="2026-12-02T19:00:00+00:00",
                 endTime="2026-12-02T21:00:00+00:00")  # fmt: skip
    await _publish(ctx, tmp_path, [club])
    later = edited(club, startTime="2026-12-09T19:00:00+00:00", endTime="2026-12-09T21:00:00+00:00")
    report = await _publish(ctx, tmp_path, [later])
    assert report.updated == ["event:knit-club"]
    create, update = await _outbox(ctx)
    assert update["type"] == "Update" and update["object"]["id"] == create["object"]["id"]
    assert update["object"]["startTime"] == "2026-12-09T19:00:00+00:00"
    assert "Wed 9 Dec 2026, 19:00–21:00" in update["object"]["name"]  # noqa: RUF001
    assert update["object"]["updated"]
