"""Events over the WebSocket: on SQLite in one process, and across two PostgreSQL replicas."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.rigs.hall_server import HallServer, start_hall_server, start_prepared
from tests.rigs.waiting import budget


async def _collect(url: str, token: str, *, want: str, action: Any, by_header: bool = True) -> dict[str, Any]:
    """The token in the upgrade's Authorization header, or (``by_header=False``) in the first message."""
    ws_url = url.replace("http://", "ws://") + "/api/v1/events"
    headers = {"Authorization": f"Bearer {token}"} if by_header else {}
    async with websockets.connect(ws_url, open_timeout=budget(5), additional_headers=headers) as ws:
        if not by_header:
            await ws.send(json.dumps({"token": token}))
        hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert hello["type"] == "hello"
        await asyncio.to_thread(action)
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if event["type"] == want:
                return event


def _issue_and_call(url: str, tokens: dict[str, str], window: int = 1) -> None:
    httpx.post(f"{url}/api/v1/tickets", json={"category": "A"},
               headers={"Authorization": f"Bearer {tokens['terminal']}"}).raise_for_status()
    httpx.post(f"{url}/api/v1/windows/{window}/call-next",
               headers={"Authorization": f"Bearer {tokens['clerk']}"}).raise_for_status()


def test_called_event_with_announcement_text(hall_server: HallServer) -> None:
    event = asyncio.run(_collect(hall_server.url, hall_server.tokens["terminal"], want="ticket.called",
                                 action=lambda: _issue_and_call(hall_server.url, hall_server.tokens, 5 - 4),
                                 by_header=False))
    assert event["data"]["number"] == "A001" and event["data"]["window"] == 1
    assert event["data"]["text"] == "请 A001 号 到 1 号窗口 办理"


def test_snapshot_and_bad_token(hall_server: HallServer) -> None:
    snap = asyncio.run(_collect(hall_server.url, hall_server.tokens["terminal"], want="queue.snapshot",
                                action=lambda: None))
    assert {c["code"] for c in snap["data"]["categories"]} >= set("ABCDEF")

    async def bad() -> dict[str, Any]:
        async with websockets.connect(hall_server.url.replace("http", "ws") + "/api/v1/events",
                                      additional_headers={"Authorization": "Bearer nope"}) as ws:
            return json.loads(await asyncio.wait_for(ws.recv(), 5))

    assert asyncio.run(bad())["error"]["code"] == "auth.invalid_token"


@pytest.mark.postgres
def test_call_on_replica_two_reaches_display_on_replica_one(fresh_postgres_url: str, tmp_path: Path) -> None:
    first = start_prepared(fresh_postgres_url, tmp_path, name="replica1")
    second = start_hall_server(fresh_postgres_url, tmp_path, name="replica2")
    try:
        event = asyncio.run(_collect(first.url, first.tokens["terminal"], want="ticket.called",
                                     action=lambda: _issue_and_call(second.url, first.tokens, 2)))
        assert event["data"]["window"] == 2 and event["data"]["text"].startswith("请 A")
    finally:
        first.stop()
        second.stop()
