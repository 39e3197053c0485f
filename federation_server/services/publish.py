"""Publish the build: diff the manifest against what was published, by stable id and hash.

new stable id → Create; changed ``content_hash`` → Update (the object carries ``updated``);
stable id gone from the manifest → Delete with a Tombstone. Object ids are minted from the
stable id, so an edit is always an Update of the same object. Running it twice publishes
nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from federation_server.activitypub import activities
from federation_server.activitypub.shape import ShapeContext, shape_object, tombstone
from federation_server.context import Context
from federation_server.db.base import utcnow
from federation_server.db.engine import create_database
from federation_server.db.migrate import upgrade_engine
from federation_server.db.models import LocalActor, PublishedObject
from federation_server.manifest import Manifest, load_manifest, manifest_path
from federation_server.services.actors import ensure_local_actors, render_actor
from federation_server.services.outgoing import send_activity
from federation_server.settings import Settings


@dataclass
class PublishReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    actors_updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.actors_updated)

    def summary(self) -> str:
        line = (
            f"published: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.deleted)} deleted, {len(self.actors_updated)} actor profiles updated"
        )
        if self.skipped:
            line += f"; skipped (no such actor): {', '.join(self.skipped)}"
        return line


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _edit_time(declared: Any, previous: dict[str, Any], now: datetime) -> str:
    """The ``updated`` of an edit: the manifest's, unless it is not newer than the last one
    published (Mastodon ignores an edit that is not newer), then now."""
    last = _parse(previous.get("updated")) or _parse(previous.get("published"))
    moment = _parse(declared)
    if moment is None or (last is not None and moment <= last):
        moment = now
    return _iso(moment.astimezone(UTC))


async def _sync_actor_profiles(
    session: AsyncSession,
    ctx: Context,
    manifest: Manifest,
    actors: dict[str, LocalActor],
    report: PublishReport,
) -> None:
    """Refresh display names, summaries, icons, headers and urls from the manifest's actors."""
    for entry in manifest.actors:
        if ctx.settings.actor(entry.name) is None:
            continue
        actor = actors.get(entry.name)
        if actor is None:
            continue
        wanted = {
            "display_name": entry.display_name or actor.display_name,
            "summary": entry.summary if entry.summary is not None else actor.summary,
            "icon": entry.icon or actor.icon,
            "header": entry.image or actor.header,
            "url": entry.url or actor.url,
        }
        if all(getattr(actor, k) == v for k, v in wanted.items()):
            continue
        for key, value in wanted.items():
            setattr(actor, key, value)
        actor.updated_at = utcnow()
        report.actors_updated.append(entry.name)
        document = render_actor(ctx, actor)
        when = _iso(actor.updated_at)
        await send_activity(
            session, ctx, actor, activities.update_actor(ctx.urls, actor.name, document, when)
        )


async def publish_manifest(ctx: Context, manifest: Manifest) -> PublishReport:
    """Publish every difference between ``manifest`` and the database, in one transaction."""
    report = PublishReport()
    settings = ctx.settings
    now = utcnow()
    async with ctx.database.session() as session, session.begin():
        actors = {a.name: a for a in (await session.scalars(select(LocalActor))).all()}
        await _sync_actor_profiles(session, ctx, manifest, actors, report)
        rows = {r.stable_id: r for r in (await session.scalars(select(PublishedObject))).all()}

        entries = sorted(manifest.objects.values(), key=lambda e: str(e.get("published") or ""))
        for entry in entries:
            stable_id = entry["id"]
            actor = actors.get(entry["section"])
            if actor is None or settings.actor(actor.name) is None:
                report.skipped.append(stable_id)
                continue
            row = rows.get(stable_id)
            ap_id = ctx.urls.object(stable_id)
            shape_ctx = ShapeContext(
                ap_id=ap_id,
                actor_id=ctx.urls.actor(actor.name),
                followers_id=ctx.urls.followers(actor.name),
                site_url=manifest.site_url or settings.site_url,
                language=manifest.language,
            )
            obj = shape_object(entry, shape_ctx)
            if row is not None and row.deleted_at is None:
                if row.content_hash == entry["content_hash"]:
                    continue
                # Entries without a date (products) keep the one they were first sent with.
                obj.setdefault("published", row.object_json.get("published") or _iso(now))
                obj["updated"] = _edit_time(entry.get("updated"), row.object_json, now)
                row.content_hash = entry["content_hash"]
                row.object_json = obj
                row.object_type = obj["type"]
                row.updated_at = now
                report.updated.append(stable_id)
                build = activities.update
            else:
                if row is None:
                    row = PublishedObject(stable_id=stable_id, ap_id=ap_id)
                    session.add(row)
                obj.setdefault("published", _iso(now))
                row.actor_name = actor.name
                row.object_type = obj["type"]
                row.content_hash = entry["content_hash"]
                row.object_json = obj
                row.published_at = now
                row.updated_at = None
                row.deleted_at = None
                report.created.append(stable_id)
                build = activities.create
            row.pinned = entry.get("pinned") is True
            activity = build(ctx.urls, actor.name, obj, obj.get("updated") or _iso(now))
            await send_activity(session, ctx, actor, activity)

        for stable_id, row in rows.items():
            if stable_id in manifest.objects or row.deleted_at is not None:
                continue
            actor = actors.get(row.actor_name)
            row.deleted_at = now
            report.deleted.append(stable_id)
            if actor is None:
                continue
            gone = tombstone(row.ap_id, row.object_type, _iso(now))
            delete = activities.delete(ctx.urls, actor.name, gone, _iso(now))
            await send_activity(session, ctx, actor, delete)
    return report


async def publish_build_dir(settings: Settings, build_dir: Path) -> PublishReport:
    """The ``publish`` command: migrate, make sure actors exist, publish the manifest."""
    manifest = load_manifest(manifest_path(build_dir))
    database = create_database(settings.database_url)
    try:
        await upgrade_engine(database.engine)
        ctx = Context(settings=settings, database=database)
        await ensure_local_actors(ctx)
        return await publish_manifest(ctx, manifest)
    finally:
        await database.dispose()
