"""The dashboard on PostgreSQL with two replicas: a session made on one is accepted by the other, its
events socket on replica 1 sees a call made on replica 2, and the overview/report queries run there."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.rigs.hall_server import start_hall_server, start_prepared
from tests.rigs.waiting import budget

API = "/api/v1"


@pytest.mark.postgres
def test_session_and_live_events_across_replicas(fresh_postgres_url: str, tmp_path: Path) -> None:
    first = start_prepared(fresh_postgres_url, tmp_path, name="replica1")
    second = start_hall_server(fresh_postgres_url, tmp_path, name="replica2")  # same data dir, same key
    try:
        login = httpx.post(f"{first.url}{API}/dashboard/login", json={"token": first.tokens["manager"]})
        cookie = login.cookies["hall_dashboard"]
        on_second = httpx.get(f"{second.url}{API}/dashboard/session", cookies={"hall_dashboard": cookie})
        assert on_second.status_code == 200 and on_second.json()["csrf"] == login.json()["csrf"]

        clerk = {"Authorization": f"Bearer {first.tokens['clerk']}"}
        terminal = {"Authorization": f"Bearer {first.tokens['terminal']}"}

        def act() -> None:
            httpx.post(f"{second.url}{API}/windows/1/open", json={"clerk": "李明"}, headers=clerk).raise_for_status()
            httpx.post(f"{second.url}{API}/tickets", json={"category": "A"}, headers=terminal).raise_for_status()
            httpx.post(f"{second.url}{API}/windows/1/call-next", headers=clerk).raise_for_status()

        async def watch() -> dict[str, Any]:
            url = first.url.replace("http://", "ws://") + f"{API}/dashboard/events"
            async with websockets.connect(url, additional_headers={"Cookie": f"hall_dashboard={cookie}"},
                                          open_timeout=budget(5)) as ws:
                assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "hello"
                await asyncio.to_thread(act)
                while True:
                    event = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if event["type"] == "ticket.called":
                        return event

        event = asyncio.run(watch())
        assert event["data"]["window"] == 1
        o = httpx.get(f"{first.url}{API}/dashboard/overview", cookies={"hall_dashboard": cookie}).json()
        w1 = next(w for w in o["windows"] if w["number"] == 1)
        assert w1["current"]["number"] == event["data"]["number"] and w1["clerk"] == "李明"
        rep = httpx.get(f"{second.url}{API}/dashboard/report.csv", params={"period": "week"},
                        cookies={"hall_dashboard": cookie})
        assert rep.status_code == 200 and "\r\n" in rep.text
        a_row = next(line for line in rep.text.splitlines() if ",A,社会保险," in line)
        assert a_row.split(",")[4] == "1"
    finally:
        first.stop()
        second.stop()
