"""escalation: human request flag; outbox: secret env name

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("human_requested", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("human_requested_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret_env", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("secret_env")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_column("human_requested_at")
        batch_op.drop_column("human_requested")
