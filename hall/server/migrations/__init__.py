"""Alembic migration scripts (run programmatically by :mod:`hall.server.migrate`)."""
