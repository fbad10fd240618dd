"""The city rig: three PostgreSQL clusters with logical replication (two of halls, one of the city).

Each cluster is a :class:`~tests.rigs.private_postgres.PrivatePostgres` of its own (``initdb``/``pg_ctl``
from Debian's postgresql package) started with ``wal_level=logical``, tiny memory (``shared_buffers=16MB``)
and its unix socket in its temp dir; TCP on 127.0.0.1 at a port below the ephemeral range. Hall
databases are clones of a migrated, seeded template (``CREATE DATABASE … TEMPLATE``), so a new hall
costs milliseconds. The fixture is per module and stops every cluster it started, whatever happened;
a test that stopped a cluster gets it started again before the next test.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.rigs import free_port, rig_missing
from tests.rigs.hall_server import ROOT, prepare_hall
from tests.rigs.private_postgres import PrivatePostgres, dispose, find_bindir, start_private_postgres
from tests.rigs.waiting import budget, wait_until

LOGICAL = ("-c wal_level=logical -c max_replication_slots=40 -c max_wal_senders=40 "
           "-c max_logical_replication_workers=40 -c max_worker_processes=48 -c max_sync_workers_per_subscription=1 "
           "-c shared_buffers=16MB -c wal_retrieve_retry_interval=1s -c max_slot_wal_keep_size=256MB "
           "-c wal_sender_timeout=20s -c wal_receiver_timeout=20s")


@dataclass
class LogicalPostgres(PrivatePostgres):
    """A cluster ready for logical replication (publisher and subscriber alike)."""

    def start(self) -> None:
        sockets = self.root / "sock"
        sockets.mkdir(exist_ok=True)
        if self.run_as:
            shutil.chown(sockets, user=self.run_as, group=None)
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='{sockets}' "
                   f"-c fsync=off -c full_page_writes=off -c max_connections=120 {LOGICAL}")
        self._pg_ctl("-l", str(self.log_path), "-w", "-t", str(int(budget(60))), "-o", options, "start")

    def ensure_running(self) -> None:
        if not self.running:
            self.start()

    def sql(self, database: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.dsn(database), autocommit=True, connect_timeout=5) as conn:
            cur = conn.execute(statement, params)
            return list(cur.fetchall()) if cur.description else []


def start_logical_postgres(name: str) -> LogicalPostgres:
    cluster = start_private_postgres(LogicalPostgres, prefix=f"city-pg-{name}-")
    assert isinstance(cluster, LogicalPostgres)
    return cluster


@dataclass
class CityRig:
    hall_a: LogicalPostgres
    hall_b: LogicalPostgres
    city: LogicalPostgres
    tokens: dict[int, dict[str, str]] = field(default_factory=dict)  # per cluster port: role -> token
    city_db: str = "city"

    @property
    def clusters(self) -> tuple[LogicalPostgres, ...]:
        return (self.hall_a, self.hall_b, self.city)

    @property
    def city_url(self) -> str:
        return self.city.url(self.city_db)

    def new_hall(self, cluster: LogicalPostgres) -> str:
        """A fresh, migrated and seeded hall database on ``cluster`` (tokens: ``self.tokens[cluster.port]``)."""
        name = f"hall_{uuid.uuid4().hex[:8]}"
        cluster.sql("postgres", f'CREATE DATABASE "{name}" TEMPLATE hall_template')
        return cluster.url(name)


def _template(cluster: LogicalPostgres) -> dict[str, str]:
    url = cluster.create_database("hall_template")
    return prepare_hall(url, token_prefix="city")


@pytest.fixture(scope="module")
def city_rig() -> Iterator[CityRig]:
    """Two hall clusters and a city cluster, each stopped and removed at the end of the module."""
    if find_bindir() is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        rig_missing("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    started: list[LogicalPostgres] = []
    try:
        for name in ("hall-a", "hall-b", "city"):
            started.append(start_logical_postgres(name))
        rig = CityRig(hall_a=started[0], hall_b=started[1], city=started[2])
        rig.tokens = {c.port: _template(c) for c in (rig.hall_a, rig.hall_b)}
        rig.city.create_database(rig.city_db)
        yield rig
    finally:
        for cluster in started:
            dispose(cluster)


@pytest.fixture
def city(city_rig: CityRig) -> Iterator[CityRig]:
    """The module's rig with every cluster running at the start of the test (a killed one is restarted)."""
    for cluster in city_rig.clusters:
        cluster.ensure_running()
    yield city_rig
    for cluster in city_rig.clusters:
        cluster.ensure_running()


@dataclass
class CityServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(budget(20))
        return self.process.returncode

    def queues(self) -> list[dict[str, object]]:
        response = httpx.get(f"{self.url}/api/v1/city/queues", timeout=budget(5))
        response.raise_for_status()
        rows: list[dict[str, object]] = response.json()
        return rows


def start_city_server(db_url: str, workdir: Path, *, extra_env: dict[str, str] | None = None) -> CityServer:
    port = free_port()
    log_path = workdir / "city-server.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "city-server", "--db", db_url,
                                 "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, stdout=log_file,
                                stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1",
                                                               **(extra_env or {})})
    server = CityServer(f"http://127.0.0.1:{port}", proc, log_path)

    def healthy() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"city server exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            return httpx.get(f"{server.url}/api/v1/city/health", timeout=budget(0.5)).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, timeout_s=60, what="city server /health", max_interval_s=0.05)
    except BaseException:
        server.stop()
        raise
    return server
