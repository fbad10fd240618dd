"""No bearer token in any log: the real calling display, counter and evaluation pad (each its own
process, offscreen) run against a real server at DEBUG; afterwards every log — the server's and each
program's — is scanned for every token the run used (docs/security.md, "Audit").

A hostile client that still puts a valid token in the URL (``?token=``) is refused, and its token does not
reach the log either (the one redaction filter masks a query-string token).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.rigs import free_port
from tests.rigs.hall_server import ROOT, HallServer, sqlite_template, wait_healthy
from tests.rigs.waiting import budget, wait_for_file, wait_until

ACCEPTED = '"WebSocket /api/v1/events" [accepted]'


def _start(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, env=env)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[HallServer]:
    import shutil

    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "server.out"
    proc = _start(["--set", 'logging.level="DEBUG"', "--set", f"server.data_dir={json.dumps(str(tmp_path / 'data'))}",
                   "hall-server", "--db", f"sqlite:///{tmp_path / 'hall.db'}", "--host", "127.0.0.1",
                   "--port", str(port)], log, env)
    srv = HallServer(f"http://127.0.0.1:{port}", f"sqlite:///{tmp_path / 'hall.db'}", port, proc, log, dict(tokens))
    wait_healthy(srv)
    yield srv
    srv.stop()


def test_display_counter_and_pad_leave_no_token_in_any_log(server: HallServer, tmp_path: Path) -> None:
    tokens = server.tokens
    files = {}
    for name in ("display", "evaluator", "counter"):
        files[name] = tmp_path / f"{name}.token"
        files[name].write_text(tokens[name] + "\n", encoding="utf-8")
    common = ["--set", 'logging.level="DEBUG"', "--set", f'hall.server_url="{server.url}"',
              "--set", 'devices.voice.driver="wav"', "--set", f'devices.voice.output_dir="{tmp_path / "voice"}"',
              "--set", f'cache.db_path="{tmp_path / "outbox.db"}"',
              "--set", f'cache.key_file="{tmp_path / "outbox.key"}"']
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "QT_QPA_PLATFORM": "offscreen"}
    programs = {
        "display": _start([*common, "--set", f'terminal.token_file="{files["display"]}"', "display", "--windowed"],
                          tmp_path / "display.log", env),
        "evaluator": _start([*common, "--set", f'terminal.token_file="{files["evaluator"]}"', "evaluator",
                             "--window", "1", "--windowed"], tmp_path / "evaluator.log", env),
        "counter": _start([*common, "--set", f'counter.token_file="{files["counter"]}"', "counter", "--window", "1",
                           "--windowed"], tmp_path / "counter.log", env),
    }
    try:
        wait_until(lambda: server.log().count(ACCEPTED) >= 3 or any(p.poll() is not None for p in programs.values()),
                   timeout_s=90, what="three events sockets")
        assert all(p.poll() is None for p in programs.values()), {n: (tmp_path / f"{n}.log").read_text()[-2000:]
                                                                   for n in programs}
        # Traffic every program sees: a ticket issued by a kiosk, called and finished at window 1.
        h = {"Authorization": f"Bearer {tokens['kiosk']}"}
        assert httpx.post(f"{server.url}/api/v1/tickets", json={"category": "A"}, headers=h).status_code == 201
        c = {"Authorization": f"Bearer {tokens['counter']}"}
        httpx.post(f"{server.url}/api/v1/windows/1/open", json={"clerk": "王五"}, headers=c)
        assert httpx.post(f"{server.url}/api/v1/windows/1/call-next", headers=c).status_code == 200
        wait_for_file(tmp_path / "voice" / "announcements.jsonl", timeout_s=60)
        # A hostile (or old) client with a valid token in the URL: refused, and the token is not logged.
        ws_url = server.url.replace("http://", "ws://") + f"/api/v1/events?token={tokens['manager']}"
        with connect(ws_url, open_timeout=budget(5)) as ws:
            with pytest.raises(ConnectionClosed):
                while True:
                    ws.recv(timeout=budget(5))
    finally:
        for p in programs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in programs.values():
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
    server.stop()
    logs = {path.name: path.read_text(errors="replace") for path in tmp_path.iterdir()
            if path.suffix in (".log", ".out")}
    assert logs["server.out"].count(ACCEPTED) >= 3
    assert "WebSocket /api/v1/events?token=***" in logs["server.out"]  # the hostile attempt, masked
    found = [(name, role) for name, text in logs.items() for role, token in tokens.items() if token in text]
    assert found == [], f"tokens in logs: {found}"
