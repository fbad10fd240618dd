"""``hall_server``: a real hall server process (uvicorn via main.py) on a free port, temp database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.rigs import free_port
from tests.rigs.waiting import budget, wait_until

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class HallServer:
    url: str
    db_url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def stop(self) -> int:
        """SIGTERM and wait: the server drains and exits 0."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(budget(20))
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def run_main(*args: str, cwd: Path = ROOT, timeout: float = 120,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python main.py ARGS`` to completion and return its output (``env`` adds variables; ``timeout``
    scales with load)."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=budget(timeout), check=False, env={**os.environ, **(env or {})})


def start_hall_server(db_url: str, workdir: Path, *, port: int | None = None, name: str = "server",
                      extra_env: dict[str, str] | None = None, limits: bool = False,
                      settings: tuple[str, ...] = (), nofile: int | None = None) -> HallServer:
    """Start the server and wait until it answers ``/health``. A port of our own choosing that another
    process took in the meantime (two suites at once) is chosen again. ``limits``: keep
    ``[server.limits]`` on (off by default: tests drive one token far harder than a kiosk, as benchmarks
    do; tests/hostile/test_write_limits.py tests them on). ``settings``: more ``--set a.b=c`` overrides;
    ``nofile``: the soft open-file limit the server starts with (systemd's default is 1,024), as a unit
    without ``LimitNOFILE`` would give it."""
    sets: list[str] = [] if limits else ["--set", "server.limits.enabled=false"]
    for item in settings:
        sets += ["--set", item]
    for _ in range(3):
        server = _launch(db_url, workdir, port=port or free_port(), name=name, extra_env=extra_env, sets=sets,
                         nofile=nofile)
        try:
            wait_healthy(server)
            return server
        except RuntimeError:
            if port is not None or "address already in use" not in server.log().lower():
                raise
    raise RuntimeError(f"hall server found no free port:\n{server.log()}")


def _launch(db_url: str, workdir: Path, *, port: int, name: str, extra_env: dict[str, str] | None,
            sets: list[str], nofile: int | None = None) -> HallServer:
    log_path = workdir / f"{name}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "hall-server", "--db", db_url,
             "--host", "127.0.0.1", "--port", str(port), "--set", f"server.data_dir={workdir / 'data'}", *sets],
            cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, env=env,
            preexec_fn=None if nofile is None else partial(_soft_nofile, nofile),
        )
    return HallServer(f"http://127.0.0.1:{port}", db_url, port, proc, log_path)


def _soft_nofile(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))


ROLES = ("terminal", "clerk", "manager", "admin")
# Tokens of the bound roles (docs/security.md): name in ``server.tokens`` → (role, terminal, window).
BOUND: dict[str, tuple[str, str | None, int | None]] = {
    "kiosk": ("kiosk", "K1", None), "kiosk2": ("kiosk", "K2", None), "display": ("display", None, None),
    "evaluator": ("evaluator", None, 1), "counter": ("counter", None, 1), "counter2": ("counter", None, 2),
}


def prepare_hall(db_url: str, *, seed: bool = True, token_prefix: str | None = None) -> dict[str, str]:
    """``hall admin init`` + ``seed-demo`` + one token per role, done in-process (a subprocess per step
    would cost seconds per test); the CLI itself is tested through ``run_main``."""
    import uuid

    from hall.server.cli import create_token
    from hall.server.core.db import Database
    from hall.server.migrate import upgrade
    from hall.server.seed import seed_demo

    prefix = token_prefix or f"test-{uuid.uuid4().hex[:6]}"
    db = Database(db_url)
    try:
        upgrade(db.engine)
        if seed:
            seed_demo(db)
        tokens = {role: create_token(db, role=role, name=f"{prefix}-{role}") for role in ROLES}
        for key, (role, terminal, window) in BOUND.items():
            tokens[key] = create_token(db, role=role, name=f"{prefix}-{key}", terminal=terminal, window=window)
        return tokens
    finally:
        db.dispose()


_TEMPLATE: tuple[Path, dict[str, str]] | None = None


def sqlite_template() -> tuple[Path, dict[str, str]]:
    """A migrated, seeded SQLite file with one token per role, made once per test session.

    Tests copy the file instead of migrating and seeding again; the tokens stay valid in every copy
    because the database stores only their hashes.
    """
    global _TEMPLATE
    if _TEMPLATE is None:
        import atexit
        import shutil
        import sqlite3
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="hall-template-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "template.db"
        tokens = prepare_hall(f"sqlite:///{path}", token_prefix="test")
        # Fold the WAL into the main file so one file copy carries everything.
        with sqlite3.connect(path) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATE = (path, tokens)
    return _TEMPLATE


def _sqlite_file(db_url: str) -> Path | None:
    prefix = "sqlite:///"
    if not db_url.startswith(prefix) or db_url.endswith(":memory:"):
        return None
    return Path(db_url[len(prefix):])


def template_copy(path: Path) -> dict[str, str]:
    """A copy of the session's seeded template at ``path``; its tokens (role → token)."""
    import shutil

    template, tokens = sqlite_template()
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return dict(tokens)


def start_prepared(db_url: str, workdir: Path, **kwargs: object) -> HallServer:
    """A running server on a migrated, seeded database with ``server.tokens[role]`` set.

    A SQLite file that does not exist yet is a copy of the session's template (only the server start
    costs time); other databases are prepared in place."""
    path = _sqlite_file(db_url)
    if path is not None and not path.exists():
        tokens = template_copy(path)
    else:
        tokens = prepare_hall(db_url)
    server = start_hall_server(db_url, workdir, **kwargs)  # type: ignore[arg-type]
    server.tokens = tokens
    return server


def wait_healthy(server: HallServer, timeout_s: float = 60) -> None:
    """Wait until the server answers ``/health`` (budget scaled with load); stop it if it never does."""

    def healthy() -> bool:
        if server.process.poll() is not None:
            raise RuntimeError(f"hall server exited with {server.process.returncode}:\n{server.log()}")
        try:
            return httpx.get(f"{server.url}/api/v1/health", timeout=budget(0.5)).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, timeout_s=timeout_s, what="hall server /health", max_interval_s=0.05)
    except AssertionError as exc:
        server.stop()
        raise RuntimeError(f"hall server did not become healthy:\n{server.log()}") from exc


class SpareServer:
    """The next test's server, started while the current test runs.

    A server takes 2–3 s of CPU-bound start-up (imports, routes) and some 400 tests each want a fresh
    one, mostly one after another; a test spends most of its time waiting on sockets, so the second core
    is free to start the next test's server meanwhile. :meth:`take` hands over the server started ahead
    (a copy of the seeded template in a folder of its own, as ``hall_server`` always gave) and starts
    the next; when none was started or it did not come up, it starts one as before. The last spare is
    stopped when the test session ends.
    """

    def __init__(self) -> None:
        self.server: HallServer | None = None

    def take(self, workdir: Path) -> HallServer:
        spare, self.server = self.server, None
        server = None
        if spare is not None:
            try:
                wait_healthy(spare)
                server = spare
            except RuntimeError:  # its port was taken meanwhile, or it died: start one the usual way
                pass
        if server is None:
            server = start_prepared(f"sqlite:///{workdir / 'hall.db'}", workdir)
        self._start_next(workdir.parent)
        return server

    def _start_next(self, under: Path) -> None:
        import tempfile

        workdir = Path(tempfile.mkdtemp(prefix="spare-", dir=under))
        tokens = template_copy(workdir / "hall.db")
        self.server = _launch(f"sqlite:///{workdir / 'hall.db'}", workdir, port=free_port(), name="server",
                              extra_env=None, sets=["--set", "server.limits.enabled=false"])
        self.server.tokens = tokens

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


_SPARE = SpareServer()


@pytest.fixture(scope="session", autouse=True)
def _spare_server_stops_with_the_session() -> Iterator[None]:
    yield
    _SPARE.close()


@pytest.fixture
def hall_server(tmp_path: Path) -> Iterator[HallServer]:
    """A fresh server per test: SQLite, demo hall seeded, ``server.tokens[role]`` for every role. Its
    folder (database, log, data) is ``Path(server.log_path).parent``, not always ``tmp_path``."""
    server = _SPARE.take(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """A database of its own for one test (``postgres_url`` is shared by the session)."""
    import uuid

    import psycopg

    from tests.rigs.postgres import ADMIN_DSN

    name = f"hall_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def hall_server_shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    """Like ``hall_server`` but shared by a test module (tests must not depend on an empty queue)."""
    server = _SPARE.take(tmp_path_factory.mktemp("hall"))
    yield server
    server.stop()
