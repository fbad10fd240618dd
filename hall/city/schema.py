"""The city database: the halls' summary tables (as the halls define them), upsert triggers, tokens.

Every summary table gets a ``BEFORE INSERT`` trigger enabled ``ALWAYS`` (so it also fires in the
subscription's apply and initial-copy workers): an incoming row replaces the row with the same key.
A hall that rejoins after a rebuild, or a subscription copying again, therefore never doubles a row
and never stops on a duplicate key; history the city already holds is kept.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, DateTime, MetaData, String, Table, text

from hall.server.citylink.tables import TABLES, metadata

city_metadata = MetaData()

city_tokens = Table(
    "city_tokens", city_metadata,
    Column("name", String(64), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)


def _trigger_sql(table: Table) -> list[str]:
    # Names come from our own table definitions (hall.server.citylink.tables), never from input.
    keys = [c.name for c in table.primary_key.columns]
    match = " AND ".join(f"{k} = NEW.{k}" for k in keys)
    fn = f"{table.name}_replace"
    body = f"BEGIN DELETE FROM public.{table.name} WHERE {match}; RETURN NEW; END"  # noqa: S608
    return [
        f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$",
        f"DROP TRIGGER IF EXISTS {fn} ON {table.name}",
        f"CREATE TRIGGER {fn} BEFORE INSERT ON {table.name} FOR EACH ROW EXECUTE FUNCTION {fn}()",
        f"ALTER TABLE {table.name} ENABLE ALWAYS TRIGGER {fn}",
    ]


def ensure_city_schema(conn: Connection) -> None:
    """Create what is missing (idempotent); a city database needs nothing else."""
    conn.execute(text("SELECT pg_advisory_xact_lock(4203)"))  # two joins at once create it once
    metadata.create_all(conn)
    city_metadata.create_all(conn)
    for table in TABLES:
        for stmt in _trigger_sql(table):
            conn.execute(text(stmt))
