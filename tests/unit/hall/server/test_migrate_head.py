"""migrate.HEAD names Alembic's newest revision, so the start-up shortcut never skips a migration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine

from hall.server import migrate


def test_head_constant_is_the_scripts_head() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate.alembic_config(create_engine("sqlite://")))
    assert scripts.get_heads() == [migrate.HEAD]


def test_upgrade_then_at_head(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'h.db'}")
    assert not migrate.at_head(engine)
    migrate.upgrade(engine)
    assert migrate.at_head(engine)
    migrate.upgrade(engine)  # a no-op now
    engine.dispose()
