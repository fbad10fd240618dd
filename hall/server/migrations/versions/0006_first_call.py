"""Tickets keep their first call: called_at is the first, recalled_at the latest call after it

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("recalled_at", sa.DateTime(timezone=True), nullable=True))
    # Until now a recall overwrote called_at, so for a recalled ticket the stored time is its latest call:
    # it moves to recalled_at. Its first call is lost; it stays in called_at as the best known (late) value.
    op.execute("UPDATE tickets SET recalled_at = called_at WHERE call_count > 1")


def downgrade() -> None:
    op.execute("UPDATE tickets SET called_at = recalled_at WHERE recalled_at IS NOT NULL")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("recalled_at")
