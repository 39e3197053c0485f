"""profile: an actor's header image, pinned (featured) objects

Revision ID: 0003_profile
Revises: 0002_delivery
Create Date: 2026-12-03 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_profile"
down_revision: str | Sequence[str] | None = "0002_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("local_actors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("header", sa.String(length=2048), nullable=True))
    with op.batch_alter_table("published_objects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("published_objects", schema=None) as batch_op:
        batch_op.drop_column("pinned")
    with op.batch_alter_table("local_actors", schema=None) as batch_op:
        batch_op.drop_column("header")
