"""Create or migrate the schema with Alembic, programmatically (no alembic.ini needed)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
# Alembic narrates every step at INFO; admin commands should print only their result.
logging.getLogger("alembic").setLevel(logging.WARNING)

SCRIPTS = Path(__file__).with_name("migrations")
# Any constant works; it only has to be the same for every replica.
_PG_LOCK_ID = 7_004_001
# The newest revision in migrations/versions (a unit test keeps the two in step). A database already
# there skips Alembic altogether, which saves its import and a second of start-up per server.
HEAD = "0016"


def at_head(engine: Engine) -> bool:
    """True when the schema's Alembic revision is :data:`HEAD` (False for an empty database)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        return False
    return rows == [HEAD]


def alembic_config(engine: Engine) -> Config:
    # Imported late: importing alembic sets up plugins and logs about it before we can quieten it.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to head; replicas starting at once on PostgreSQL take turns via an advisory lock."""
    if at_head(engine):
        return
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK_ID})
            conn.commit()
        try:
            from alembic import command

            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_ID})
                conn.commit()
    log.debug("schema is at head")


def revision(engine: Engine, message: str) -> None:
    """Developer helper: autogenerate a new revision against ``engine`` (an up-to-date database)."""
    from alembic import command

    with engine.connect() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
