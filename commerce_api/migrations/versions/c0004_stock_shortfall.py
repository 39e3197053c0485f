"""items: shortfall remembers stock held or sold beyond a lowered catalogue number

Revision ID: c0004_stock_shortfall
Revises: c0003_refund_lease
Create Date: 2026-12-03 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0004_stock_shortfall"
down_revision: str | Sequence[str] | None = "c0003_refund_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shortfall", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_check_constraint("shortfall_not_negative", "shortfall >= 0")


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_constraint("shortfall_not_negative", type_="check")
        batch_op.drop_column("shortfall")
