"""refunds: sending_until keeps an attempt in flight exclusive

Revision ID: c0003_refund_lease
Revises: c0002_refunds
Create Date: 2026-11-27 13:22:36.358883
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0003_refund_lease"
down_revision: str | Sequence[str] | None = "c0002_refunds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sending_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_column("sending_until")
