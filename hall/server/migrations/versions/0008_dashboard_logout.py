"""dashboard sessions ended by logout (the old cookie is refused on every replica)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_sessions_ended",
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_dashboard_sessions_ended")),
    )
    op.create_index(op.f("ix_dashboard_sessions_ended_expires_at"), "dashboard_sessions_ended", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dashboard_sessions_ended_expires_at"), table_name="dashboard_sessions_ended")
    op.drop_table("dashboard_sessions_ended")
