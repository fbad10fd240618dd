"""Behind nginx: the server honours X-Forwarded-Proto from the addresses in ``server.forwarded_allow_ips``
(default 127.0.0.1, where nginx runs), so the dashboard's session cookie is marked Secure over HTTPS —
and ignores the header from anyone else. Real server processes started through main.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.rigs import free_port
from tests.rigs.hall_server import ROOT, HallServer, prepare_hall, wait_healthy
from tests.rigs.waiting import budget

NGINX_CONF = ROOT / "deploy" / "nginx-hall.conf"


def _start(tmp_path: Path, *settings: str) -> HallServer:
    db_url = f"sqlite:///{tmp_path / 'hall.db'}"
    tokens = prepare_hall(db_url)
    port = free_port()
    log_path = tmp_path / "server.log"
    sets = [arg for s in (f"server.data_dir={tmp_path / 'data'}", *settings) for arg in ("--set", s)]
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "hall-server", "--db", db_url, "--host",
                                 "127.0.0.1", "--port", str(port), *sets], cwd=ROOT, stdout=log_file,
                                stderr=subprocess.STDOUT)
    server = HallServer(f"http://127.0.0.1:{port}", db_url, port, proc, log_path, tokens)
    wait_healthy(server)
    return server


def _login_cookie(server: HallServer, **headers: str) -> str:
    r = httpx.post(f"{server.url}/api/v1/dashboard/login", json={"token": server.tokens["manager"]},
                   headers=headers, timeout=budget(10))
    assert r.status_code == 200, r.text
    return r.headers["set-cookie"]


@pytest.mark.parametrize("trusted", [True, False])
def test_forwarded_https_makes_the_session_cookie_secure(tmp_path: Path, trusted: bool) -> None:
    extra = () if trusted else ("server.forwarded_allow_ips=10.9.9.9",)
    server = _start(tmp_path, *extra)
    try:
        over_https = _login_cookie(server, **{"X-Forwarded-Proto": "https"})
        plain = _login_cookie(server)
    finally:
        assert server.stop() == 0
    assert "Secure" not in plain and "HttpOnly" in plain
    assert ("Secure" in over_https) is trusted


def test_nginx_example_forwards_the_scheme_everywhere() -> None:
    conf = NGINX_CONF.read_text()
    locations = conf.split("location ")[1:]
    assert len(locations) >= 2
    for block in locations:
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in block, block.splitlines()[0]
