"""federation core tables

Revision ID: 0001_core
Revises:
Create Date: 2026-11-27 12:23:45.633453
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_core"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(length=2048), nullable=True),
        sa.Column("activity_type", sa.String(length=32), nullable=False),
        sa.Column("actor_uri", sa.String(length=2048), nullable=False),
        sa.Column("object_id", sa.String(length=2048), nullable=True),
        sa.Column("inbox_owner", sa.String(length=64), nullable=True),
        sa.Column("activity_json", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_activities")),
        sa.UniqueConstraint("activity_id", name=op.f("uq_inbox_activities_activity_id")),
    )
    with op.batch_alter_table("inbox_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbox_activities_activity_type"), ["activity_type"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inbox_activities_object_id"), ["object_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inbox_activities_processed_at"), ["processed_at"], unique=False
        )

    op.create_table(
        "interactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(length=2048), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor_uri", sa.String(length=2048), nullable=False),
        sa.Column("object_ap_id", sa.String(length=2048), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interactions")),
        sa.UniqueConstraint("activity_id", name=op.f("uq_interactions_activity_id")),
    )
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interactions_object_ap_id"), ["object_ap_id"], unique=False
        )

    op.create_table(
        "local_actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("icon", sa.String(length=2048), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_actors")),
        sa.UniqueConstraint("name", name=op.f("uq_local_actors_name")),
    )
    op.create_table(
        "outbox_activities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ap_id", sa.String(length=2048), nullable=False),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("activity_type", sa.String(length=32), nullable=False),
        sa.Column("object_ap_id", sa.String(length=2048), nullable=True),
        sa.Column("activity_json", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_activities")),
        sa.UniqueConstraint("ap_id", name=op.f("uq_outbox_activities_ap_id")),
    )
    with op.batch_alter_table("outbox_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_activities_actor_name"), ["actor_name"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_activities_object_ap_id"), ["object_ap_id"], unique=False
        )

    op.create_table(
        "published_objects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stable_id", sa.String(length=512), nullable=False),
        sa.Column("ap_id", sa.String(length=2048), nullable=False),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=128), nullable=False),
        sa.Column("object_json", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_objects")),
        sa.UniqueConstraint("ap_id", name=op.f("uq_published_objects_ap_id")),
        sa.UniqueConstraint("stable_id", name=op.f("uq_published_objects_stable_id")),
    )
    with op.batch_alter_table("published_objects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_published_objects_actor_name"), ["actor_name"], unique=False
        )

    op.create_table(
        "remote_actors",
        sa.Column("uri", sa.String(length=2048), nullable=False),
        sa.Column("inbox", sa.String(length=2048), nullable=False),
        sa.Column("shared_inbox", sa.String(length=2048), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uri", name=op.f("pk_remote_actors")),
    )
    op.create_table(
        "remote_keys",
        sa.Column("key_id", sa.String(length=2048), nullable=False),
        sa.Column("owner", sa.String(length=2048), nullable=False),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_remote_keys")),
    )
    with op.batch_alter_table("remote_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remote_keys_owner"), ["owner"], unique=False)

    op.create_table(
        "followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("follower_uri", sa.String(length=2048), nullable=False),
        sa.Column("inbox", sa.String(length=2048), nullable=False),
        sa.Column("shared_inbox", sa.String(length=2048), nullable=True),
        sa.Column("follow_id", sa.String(length=2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_name"],
            ["local_actors.name"],
            name=op.f("fk_followers_actor_name_local_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followers")),
        sa.UniqueConstraint("actor_name", "follower_uri", name=op.f("uq_followers_actor_name")),
    )
    with op.batch_alter_table("followers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followers_actor_name"), ["actor_name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_followers_follower_uri"), ["follower_uri"], unique=False
        )

    op.create_table(
        "following",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("target_uri", sa.String(length=2048), nullable=False),
        sa.Column("follow_id", sa.String(length=2048), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_name"],
            ["local_actors.name"],
            name=op.f("fk_following_actor_name_local_actors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_following")),
        sa.UniqueConstraint("actor_name", "target_uri", name=op.f("uq_following_actor_name")),
    )
    with op.batch_alter_table("following", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_following_actor_name"), ["actor_name"], unique=False)


def downgrade() -> None:
    op.drop_table("inbox_activities")

    with op.batch_alter_table("following", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_following_actor_name"))

    op.drop_table("following")
    with op.batch_alter_table("followers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followers_follower_uri"))
        batch_op.drop_index(batch_op.f("ix_followers_actor_name"))

    op.drop_table("followers")
    with op.batch_alter_table("remote_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remote_keys_owner"))

    op.drop_table("remote_keys")
    op.drop_table("remote_actors")
    with op.batch_alter_table("published_objects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_published_objects_actor_name"))

    op.drop_table("published_objects")
    with op.batch_alter_table("outbox_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_activities_object_ap_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_activities_actor_name"))

    op.drop_table("outbox_activities")
    op.drop_table("local_actors")
    with op.batch_alter_table("interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interactions_object_ap_id"))

    op.drop_table("interactions")
