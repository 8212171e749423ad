"""erasure: a content-free audit row for each "delete everything"

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.String(length=255), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_erasure_participant_id", "erasure", ["participant_id"])


def downgrade() -> None:
    op.drop_index("ix_erasure_participant_id", table_name="erasure")
    op.drop_table("erasure")
