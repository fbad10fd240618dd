"""hall day closing, reinstated_at, window recent lanes, ticket notices

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, no default) works on SQLite without rebuilding the table.
    op.add_column("tickets", sa.Column("reinstated_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("windows", sa.Column("recent_lanes", sa.JSON(), nullable=True))
    op.create_table(
        "hall_days",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_hall_days")),
    )
    op.create_table(
        "ticket_notices",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient_enc", sa.Text(), nullable=False),
        sa.Column("last_ahead", sa.Integer(), nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=False),
        sa.Column("last_recalls", sa.Integer(), nullable=False),
        sa.Column("sent", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_notices_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_notices")),
    )


def downgrade() -> None:
    op.drop_table("ticket_notices")
    op.drop_table("hall_days")
    with op.batch_alter_table("windows") as batch_op:
        batch_op.drop_column("recent_lanes")
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("reinstated_at")
