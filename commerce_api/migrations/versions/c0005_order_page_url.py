"""orders: page_url, the order page the shopper was promised, for the emails about the order

Revision ID: c0005_order_page_url
Revises: c0004_stock_shortfall
Create Date: 2026-12-03 14:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0005_order_page_url"
down_revision: str | Sequence[str] | None = "c0004_stock_shortfall"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_url", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("page_url")
