"""``postgres_url``: a throw-away database on the PostgreSQL at 127.0.0.1:5432, per test session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from tests.rigs import rig_missing

ADMIN_DSN = os.environ.get("HALL_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of a fresh database, dropped at the end of the session."""
    import psycopg

    name = f"hall_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        rig_missing(f"PostgreSQL at {ADMIN_DSN} unreachable ({exc.__class__.__name__})")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
