"""PostgreSQL: drop hall_issue_tickets(); tickets are written by the one writer's generated batch functions

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_SIGNATURE = "hall_issue_tickets(text, text[], text[], text[], text[], timestamptz, text)"


def upgrade() -> None:
    # The numbering rule was written a second time in this function; the server now creates, at start-up,
    # functions generated from the writer's own statements (hall.server.core.pg_many).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {_SIGNATURE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        from importlib import import_module

        op.execute(import_module("hall.server.migrations.versions.0003_pg_issue_function").ISSUE_FUNCTION)
