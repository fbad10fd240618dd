"""The events socket against a real server: the token never in the URL, and a revoked token's open
sockets closed within two seconds with code 4401 (docs/security.md, "Identity and authentication").
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.rigs.hall_server import HallServer, start_prepared
from tests.rigs.waiting import budget, pass_time

REVOCATION_LIMIT_S = 2.0  # the promise of docs/security.md


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    workdir: Path = tmp_path_factory.mktemp("events-auth")
    srv = start_prepared(f"sqlite:///{workdir / 'hall.db'}", workdir)
    yield srv
    srv.stop()


def _url(server: HallServer, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + "/api/v1/events" + query


def _open(stack: contextlib.ExitStack, server: HallServer, token: str, *, how: str) -> ClientConnection:
    """A socket past its ``hello``: the token in the Authorization header or in the first message."""
    headers = {"Authorization": f"Bearer {token}"} if how == "header" else None
    ws = stack.enter_context(connect(_url(server), additional_headers=headers, open_timeout=budget(5)))
    if how == "message":
        ws.send(json.dumps({"token": token}))
    hello = json.loads(ws.recv(timeout=budget(5)))
    assert hello["type"] == "hello", hello
    return ws


def _closed_with(ws: ClientConnection, timeout_s: float) -> tuple[int | None, str]:
    """Read until the server closes: (close code, the last error code it sent)."""
    last_error = ""
    with pytest.raises(ConnectionClosed) as info:
        while True:
            frame = json.loads(ws.recv(timeout=timeout_s))
            if frame.get("type") == "error":
                last_error = frame["error"]["code"]
    return (info.value.rcvd.code if info.value.rcvd else None), last_error


def test_a_token_in_the_url_is_refused_even_when_valid(server: HallServer) -> None:
    with connect(_url(server, f"?token={server.tokens['display']}"), open_timeout=budget(5)) as ws:
        code, error = _closed_with(ws, 5)
    assert (code, error) == (4401, "auth.token_in_url")


@pytest.mark.parametrize("how", ["header", "message"])
def test_the_token_travels_in_a_header_or_the_first_message(server: HallServer, how: str) -> None:
    with contextlib.ExitStack() as stack:
        ws = _open(stack, server, server.tokens["display"], how=how)
        ws.send("ping")
        assert json.loads(ws.recv(timeout=budget(5)))["type"] in ("pong", "queue.snapshot")


def test_revoking_a_token_closes_its_open_sockets_within_two_seconds(server: HallServer) -> None:
    """Three sockets of one token (header and first message) close with 4401; another token's stays."""
    from hall.server.cli import create_token
    from hall.server.core.db import Database

    db = Database(server.db_url)
    try:
        token = create_token(db, role="display", name="display-to-revoke")
    finally:
        db.dispose()
    stack = contextlib.ExitStack()
    doomed = [_open(stack, server, token, how=how) for how in ("header", "message", "header")]
    survivor = _open(stack, server, server.tokens["kiosk"], how="header")
    pass_time(1.2, reason="the token's one-second cache entry is renewed, as on a long-lived display")
    import argparse

    from hall.server.cli import _revoke_token

    db = Database(server.db_url)
    try:
        assert _revoke_token(db, argparse.Namespace(name="display-to-revoke"), None) == 0  # type: ignore[arg-type]
    finally:
        db.dispose()
    revoked_at = time.monotonic()
    outcomes = [_closed_with(ws, REVOCATION_LIMIT_S) for ws in doomed]
    took = time.monotonic() - revoked_at
    assert outcomes == [(4401, "auth.invalid_token")] * 3, outcomes
    assert took <= REVOCATION_LIMIT_S, f"closed after {took:.2f} s"
    survivor.send("ping")
    frame = json.loads(survivor.recv(timeout=budget(5)))
    while frame["type"] != "pong":
        frame = json.loads(survivor.recv(timeout=budget(5)))
    stack.close()


def test_revoking_a_manager_token_closes_its_dashboard_socket_within_two_seconds(server: HallServer) -> None:
    import argparse

    import httpx

    from hall.server.cli import _revoke_token, create_token
    from hall.server.core.db import Database

    db = Database(server.db_url)
    try:
        token = create_token(db, role="manager", name="dashboard-to-revoke")
    finally:
        db.dispose()
    with httpx.Client(timeout=budget(10)) as c:
        assert c.post(f"{server.url}/api/v1/dashboard/login", json={"token": token}).status_code == 200
        cookie = c.cookies.get("hall_dashboard")
    ws_url = server.url.replace("http://", "ws://") + "/api/v1/dashboard/events"
    with connect(ws_url, additional_headers={"Cookie": f"hall_dashboard={cookie}"}, open_timeout=budget(5)) as ws:
        assert json.loads(ws.recv(timeout=budget(5)))["type"] == "hello"
        db = Database(server.db_url)
        try:
            assert _revoke_token(db, argparse.Namespace(name="dashboard-to-revoke"), None) == 0  # type: ignore[arg-type]
        finally:
            db.dispose()
        code, _error = _closed_with(ws, REVOCATION_LIMIT_S)
    assert code == 4401
