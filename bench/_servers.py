"""Hall server processes and scratch PostgreSQL databases for the benchmarks, started as a hall starts them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("HALL_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# One token drives every benchmark, far beyond [server.limits] (a kiosk's few writes a minute): the
# benchmark room turns the limits off, and the reports say so ("server_limits").
NO_LIMITS = ("--set", "server.limits.enabled=false")
LIMITS_NOTE = "off (server.limits.enabled = false: one token drives the whole load)"


def start_servers(db_url: str, workdir: Path, count: int) -> list[tuple[subprocess.Popen[bytes], str]]:
    """``count`` servers on ``db_url`` with the write limits off (:data:`NO_LIMITS`)."""
    servers = []
    for i in range(count):
        port = free_port()
        log = (workdir / f"server{i}.log").open("wb")
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--set", "logging.level=\"WARNING\"",
                                 "hall-server", "--db", db_url, "--host", "127.0.0.1", "--port", str(port),
                                 "--set", f"server.data_dir={workdir / 'data'}", *NO_LIMITS], cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT)
        servers.append((proc, f"http://127.0.0.1:{port}"))
    for proc, url in servers:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}; see {workdir}")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
    return servers


def stop_servers(servers: list[tuple[subprocess.Popen[bytes], str]]) -> None:
    for proc, _ in servers:
        proc.send_signal(signal.SIGTERM)
    for proc, _ in servers:
        proc.wait(30)


def pg_database() -> tuple[str, str]:
    import psycopg

    name = f"hall_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_pg(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
