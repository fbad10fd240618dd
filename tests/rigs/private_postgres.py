"""``private_postgres``: a PostgreSQL cluster of the test's own, in a temp dir on a free port.

For tests that stop, crash or restart PostgreSQL (a restart mid-sync, a replica killed): doing that
to the shared server at 127.0.0.1:5432 would break every other test using it. The cluster is made
with the installed ``initdb``/``pg_ctl`` (``/usr/lib/postgresql/*/bin``, or ``PG_BINDIR``); as root
they run as the ``postgres`` user (initdb refuses root). TCP on 127.0.0.1 only, trust auth.

``fsync=off`` is safe here: it only matters when the *machine* crashes. A stopped or killed
postmaster loses nothing that was committed (``synchronous_commit`` stays on), which is exactly
the guarantee the restart tests rely on.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.rigs import free_port, rig_missing
from tests.rigs.waiting import budget, pass_time

STOP_MODES = ("smart", "fast", "immediate")


def find_bindir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (newest installed major version), or None."""
    configured = os.environ.get("PG_BINDIR")
    candidates = [configured] if configured else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path and shutil.which("pg_ctl") else None


@dataclass
class PrivatePostgres:
    """One cluster: ``start()``, ``stop(mode)``, ``restart(mode)``, ``create_database()``."""

    root: Path
    port: int
    bindir: Path
    run_as: str | None

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", self.run_as, "--"] if self.run_as else []
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=budget(timeout),
                              check=False)

    def _pg_ctl(self, *args: str) -> None:
        result = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args)
        if result.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(args)} failed:\n{result.stdout}{result.stderr}\n{self.log()}")

    def init(self) -> None:
        result = self._run(str(self.bindir / "initdb"), "-D", str(self.datadir), "-A", "trust", "-U", "postgres",
                           "-E", "UTF8", "--locale=C", "--no-sync")
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{result.stdout}{result.stderr}")

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='' "
                   "-c fsync=off -c full_page_writes=off -c max_connections=60")
        self._pg_ctl("-l", str(self.log_path), "-w", "-t", str(int(budget(60))), "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends sessions and checkpoints; ``immediate`` is a crash (recovery on next start)."""
        if mode not in STOP_MODES:
            raise ValueError(f"mode must be one of {STOP_MODES}")
        self._pg_ctl("-w", "-t", str(int(budget(60))), "-m", mode, "stop")

    def restart(self, mode: str = "fast", *, down_s: float = 0.0) -> None:
        self.stop(mode)
        if down_s:
            pass_time(down_s, reason="the outage itself is what the test is about")
        self.start()

    @property
    def running(self) -> bool:
        return self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "status").returncode == 0

    def dsn(self, database: str = "postgres") -> str:
        """libpq/psycopg DSN."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL (psycopg 3)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create ``name`` and return its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""


def start_private_postgres(kind: type[PrivatePostgres] = PrivatePostgres,
                           prefix: str = "private-pg-") -> PrivatePostgres:
    """Init and start a cluster (``kind``: a subclass with other settings); raises RuntimeError if the
    binaries fail (callers decide how to report)."""
    bindir = find_bindir()
    if bindir is None:
        raise FileNotFoundError("initdb/pg_ctl not found (apt package postgresql, or set PG_BINDIR)")
    run_as = "postgres" if os.geteuid() == 0 else None
    # Not under pytest's tmp_path: as root that is a 0700 directory the postgres user cannot enter.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if run_as:
        shutil.chown(root, user=run_as, group=None)
    cluster = kind(root=root, port=free_port(), bindir=bindir, run_as=run_as)
    try:
        cluster.init()
        cluster.start()
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return cluster


def dispose(cluster: PrivatePostgres) -> None:
    with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
        if cluster.running:
            cluster.stop("immediate")
    shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running cluster of this test's own; stop, crash and restart it at will. Removed afterwards."""
    if find_bindir() is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        rig_missing("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    cluster = start_private_postgres()
    try:
        yield cluster
    finally:
        dispose(cluster)
