"""staff accounts (PIN sign-in at the counter), terminals bound to a window, one rating per service

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("pin_hash", sa.String(length=160), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("disabled_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("staff_no", name=op.f("uq_staff_staff_no")),
    )
    with op.batch_alter_table("terminals") as batch_op:
        batch_op.add_column(sa.Column("window", sa.Integer(), nullable=True))
    with op.batch_alter_table("evaluations") as batch_op:
        batch_op.add_column(sa.Column("service_key", sa.String(length=48), nullable=True))
        batch_op.add_column(sa.Column("clerk", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("item_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("case_code", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_evaluations_service_key"), ["service_key"])


def downgrade() -> None:
    with op.batch_alter_table("evaluations") as batch_op:
        batch_op.drop_constraint("uq_evaluations_service_key", type_="unique")
        for col in ("case_code", "item_code", "clerk", "service_key"):
            batch_op.drop_column(col)
    with op.batch_alter_table("terminals") as batch_op:
        batch_op.drop_column("window")
    op.drop_table("staff")
