"""booking: citizens' bookings keep an encrypted mobile number for the reminder; SMS confirmation codes

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("phone_enc", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reminded_at", TS, nullable=True))
    op.create_table(
        "booking_phone_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_phone_codes")),
    )
    op.create_index("ix_booking_phone_codes_phone", "booking_phone_codes", ["phone_hash", "created_at"])
    op.create_index("ix_booking_phone_codes_client", "booking_phone_codes", ["client_hash", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_booking_phone_codes_client", table_name="booking_phone_codes")
    op.drop_index("ix_booking_phone_codes_phone", table_name="booking_phone_codes")
    op.drop_table("booking_phone_codes")
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("reminded_at")
        batch.drop_column("phone_enc")
