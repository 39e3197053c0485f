"""mail outbox becomes a queue: status, attempts, next attempt, sent time, last error

Revision ID: a0002_mail_queue
Revises: a0001_identity
Create Date: 2026-11-27 13:20:00

Rows already in the outbox were "sent" to the table by the old default mailer: they become
``sent`` so a newly configured SMTP relay does not mail them out of the blue.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a0002_mail_queue"
down_revision: str | Sequence[str] | None = "a0001_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="sent")
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.String(length=300), nullable=True))
    op.execute("UPDATE mail_outbox SET next_attempt_at = created_at, sent_at = created_at")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.alter_column(
            "next_attempt_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.alter_column("status", server_default=None, existing_type=sa.String(length=16))
        batch_op.alter_column("attempts", server_default=None, existing_type=sa.Integer())
        batch_op.create_index(
            "ix_mail_outbox_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_outbox_status_next_attempt_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("status")
