"""差评整改: follow-up stages, deadlines and steps (整改台账); a rating's encrypted call-back phone

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("followups") as batch:
        batch.add_column(sa.Column("stage", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("due_at", TS, nullable=True))
        batch.add_column(sa.Column("overdue_alerted_at", TS, nullable=True))
        batch.create_index(batch.f("ix_followups_due_at"), ["due_at"])
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("contact_enc", sa.LargeBinary(), nullable=True))
    op.create_table(
        "followup_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("followup_id", sa.Integer(), nullable=False),
        sa.Column("stage_from", sa.String(length=16), nullable=True),
        sa.Column("stage_to", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_steps")),
    )
    op.create_index(op.f("ix_followup_steps_followup_id"), "followup_steps", ["followup_id"])
    # Open low ratings join the stages where they stand; closed ones keep no stage (closed before 整改 stages).
    op.execute("UPDATE followups SET stage = 'verifying' WHERE kind = 'low_rating' AND status = 'open'")
    op.execute("UPDATE followups SET stage = 'rectifying' WHERE kind = 'low_rating' AND status = 'acknowledged'")


def downgrade() -> None:
    op.drop_index(op.f("ix_followup_steps_followup_id"), table_name="followup_steps")
    op.drop_table("followup_steps")
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("contact_enc")
    with op.batch_alter_table("followups") as batch:
        batch.drop_index(batch.f("ix_followups_due_at"))
        batch.drop_column("overdue_alerted_at")
        batch.drop_column("due_at")
        batch.drop_column("stage")
