"""catalogue import: the national list's remaining item fields, item versions, the import log

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN with a constant default works on SQLite without rebuilding the table.
    op.add_column("service_items", sa.Column("consult_phone", sa.String(length=64), nullable=False,
                                             server_default=""))
    op.add_column("service_items", sa.Column("supervise_phone", sa.String(length=64), nullable=False,
                                             server_default=""))
    op.add_column("service_items", sa.Column("process", sa.Text(), nullable=False, server_default=""))
    op.add_column("service_items", sa.Column("result", sa.Text(), nullable=False, server_default=""))
    op.add_column("service_items", sa.Column("online", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("service_items", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("service_items", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "catalogue_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_imports")),
    )
    op.create_table(
        "service_item_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["catalogue_imports.id"],
                                name=op.f("fk_service_item_versions_import_id_catalogue_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_item_versions")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_service_item_versions_code_version")),
    )
    op.create_index(op.f("ix_service_item_versions_code"), "service_item_versions", ["code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_service_item_versions_code"), table_name="service_item_versions")
    op.drop_table("service_item_versions")
    op.drop_table("catalogue_imports")
    with op.batch_alter_table("service_items") as batch_op:
        for name in ("updated_at", "version", "online", "result", "process", "supervise_phone", "consult_phone"):
            batch_op.drop_column(name)
