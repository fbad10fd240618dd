"""connectors: the durable SMS queue with its receipts, and the 一网通办 platform outbox

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("recipient_enc", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", TS, nullable=False),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        sa.Column("done_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_sms_outbox_key")),
    )
    op.create_index(op.f("ix_sms_outbox_state"), "sms_outbox", ["state"])
    op.create_index(op.f("ix_sms_outbox_next_at"), "sms_outbox", ["next_at"])
    op.create_table(
        "sms_receipts",
        sa.Column("message_id", sa.String(length=80), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("stat", sa.String(length=16), nullable=True),
        sa.Column("received_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_sms_receipts")),
    )
    op.create_index(op.f("ix_sms_receipts_outbox_id"), "sms_receipts", ["outbox_id"])
    op.create_table(
        "platform_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", TS, nullable=False),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.Column("remote_status", sa.String(length=24), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("pushed_at", TS, nullable=True),
        sa.Column("pulled_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_outbox")),
        sa.UniqueConstraint("code", name=op.f("uq_platform_outbox_code")),
    )
    op.create_index(op.f("ix_platform_outbox_state"), "platform_outbox", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_platform_outbox_state"), table_name="platform_outbox")
    op.drop_table("platform_outbox")
    op.drop_index(op.f("ix_sms_receipts_outbox_id"), table_name="sms_receipts")
    op.drop_table("sms_receipts")
    op.drop_index(op.f("ix_sms_outbox_next_at"), table_name="sms_outbox")
    op.drop_index(op.f("ix_sms_outbox_state"), table_name="sms_outbox")
    op.drop_table("sms_outbox")
