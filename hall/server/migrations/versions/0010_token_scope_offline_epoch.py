"""tokens bound to a terminal or window, a terminal's offline prefix, offline numbering epochs

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("terminal", sa.String(length=32), nullable=True))
    op.add_column("api_tokens", sa.Column("window", sa.Integer(), nullable=True))
    with op.batch_alter_table("terminals") as batch_op:
        batch_op.add_column(sa.Column("offline_prefix", sa.String(length=8), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_terminals_offline_prefix"), ["offline_prefix"])
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.add_column(sa.Column("offline_epoch", sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_constraint("uq_tickets_hall_day_number", type_="unique")
        batch_op.create_unique_constraint(op.f("uq_tickets_hall_day_number_offline_epoch"),
                                          ["hall_day", "number", "offline_epoch"])


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_constraint("uq_tickets_hall_day_number_offline_epoch", type_="unique")
        batch_op.create_unique_constraint(op.f("uq_tickets_hall_day_number"), ["hall_day", "number"])
        batch_op.drop_column("offline_epoch")
    with op.batch_alter_table("terminals") as batch_op:
        batch_op.drop_constraint("uq_terminals_offline_prefix", type_="unique")
        batch_op.drop_column("offline_prefix")
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_column("window")
        batch_op.drop_column("terminal")
