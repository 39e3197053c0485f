"""web_sessions: no stored csrf_token; a session's CSRF token is its id signed with SECRET_KEY
(commerce_api.csrf, the one CSRF defence for sessions, carts and sign-in forms)

Revision ID: a0003_session_csrf_signed
Revises: c0005_order_page_url
Create Date: 2026-12-03 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a0003_session_csrf_signed"
down_revision: str | Sequence[str] | None = "c0005_order_page_url"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_column("csrf_token")


def downgrade() -> None:
    # The old code needs a stored token per session; there is none to restore, so every
    # session ends (members sign in again).
    op.execute(sa.text("DELETE FROM web_sessions"))
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("csrf_token", sa.String(length=64), nullable=False))
