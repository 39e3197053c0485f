"""carts: currency, the currency of the cart's lines, so an add checks it on the cart's row

Revision ID: c0006_cart_currency
Revises: c0005_order_page_url
Create Date: 2026-12-04 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0006_cart_currency"
down_revision: str | Sequence[str] | None = "c0005_order_page_url"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
    # A cart with lines takes the currency of its first line (an empty cart keeps none).
    op.execute(
        "UPDATE carts SET currency = (SELECT items.currency FROM cart_lines"
        " JOIN items ON items.id = cart_lines.item_id WHERE cart_lines.cart_id = carts.id"
        " ORDER BY cart_lines.id LIMIT 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_column("currency")
