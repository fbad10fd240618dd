"""audit trail, service codes (亮码), window served-today figures, material review, offline clock

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.String(length=256), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.create_table(
        "service_codes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("personal_enc", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(length=64), nullable=True),
        sa.Column("issued_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_codes")),
    )
    op.create_index(op.f("ix_service_codes_expires_at"), "service_codes", ["expires_at"])
    # ADD COLUMN with a constant default works on SQLite without rebuilding the table.
    op.add_column("windows", sa.Column("served_day", sa.String(length=10), nullable=True))
    op.add_column("windows", sa.Column("served_count", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("windows", sa.Column("handling_total_s", sa.Float(), nullable=False, server_default="0"))
    op.add_column("windows", sa.Column("handling_count", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("submission_materials", sa.Column("note", sa.Text(), nullable=True))
    op.add_column("submission_materials", sa.Column("reviewed_by", sa.String(length=64), nullable=True))
    op.add_column("submission_materials", sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("tickets", sa.Column("offline_issued_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("offline_issued_at")
    with op.batch_alter_table("submission_materials") as batch_op:
        for name in ("reviewed_at", "reviewed_by", "note"):
            batch_op.drop_column(name)
    with op.batch_alter_table("windows") as batch_op:
        for name in ("handling_count", "handling_total_s", "served_count", "served_day"):
            batch_op.drop_column(name)
    op.drop_index(op.f("ix_service_codes_expires_at"), table_name="service_codes")
    op.drop_table("service_codes")
    op.drop_index(op.f("ix_audit_log_action"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
