"""Nobody stranded (issue 15, item 2): a waiting ticket no open window can serve is listed under
``unserved`` with the window to open, its estimate is unknown, and a transfer to a window that is not
open is refused unless a manager forces it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hall.client import HallClient, HallConflict
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget


def _live(hall_server: HallServer) -> dict[str, Any]:
    r = httpx.get(f"{hall_server.url}/api/v1/stats/live",
                  headers={"Authorization": f"Bearer {hall_server.tokens['manager']}"}, timeout=budget(5))
    assert r.status_code == 200
    return r.json()


def test_a_ticket_of_a_closed_line_is_unserved_until_a_window_opens(hall_server: HallServer) -> None:
    kiosk = HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5))
    clerk = HallClient(hall_server.url, hall_server.tokens["clerk"], read_timeout=budget(5))
    t = kiosk.issue_ticket("A")
    assert t.estimated_wait_s is None  # every window of the demo hall starts closed: no number is promised
    (row,) = [u for u in _live(hall_server)["unserved"] if u["number"] == t.number]
    assert row["category"] == "A" and row["reason"] == "line_closed" and row["open_window"] == 1
    assert row["waiting_s"] >= 0 and row["reason_zh"]
    clerk.open_window(1, clerk="王芳")
    assert [u for u in _live(hall_server)["unserved"] if u["number"] == t.number] == []
    # The server's view of open windows was refreshed by the open itself: the estimate is known now.
    assert kiosk.ticket(t.id).estimated_wait_s == 0  # first in line at an open window


def test_a_transfer_to_a_closed_window_is_refused_unless_a_manager_forces_it(hall_server: HallServer) -> None:
    kiosk = HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5))
    clerk = HallClient(hall_server.url, hall_server.tokens["clerk"], read_timeout=budget(5))
    manager = HallClient(hall_server.url, hall_server.tokens["manager"], read_timeout=budget(5))
    clerk.open_window(1)
    t = kiosk.issue_ticket("A")
    with pytest.raises(HallConflict) as refused:
        clerk.transfer(t.id, window=3)
    assert refused.value.server_code == "window.not_open"
    forced = httpx.post(f"{hall_server.url}/api/v1/tickets/{t.id}/transfer", json={"window": 3, "force": True},
                        headers={"Authorization": f"Bearer {hall_server.tokens['clerk']}"}, timeout=budget(5))
    assert forced.status_code == 403 and forced.json()["error"]["code"] == "window.force_needs_manager"
    moved = httpx.post(f"{hall_server.url}/api/v1/tickets/{t.id}/transfer", json={"window": 3, "force": True},
                       headers={"Authorization": f"Bearer {hall_server.tokens['manager']}"}, timeout=budget(5))
    assert moved.status_code == 200 and moved.json()["target_window"] == 3
    assert manager.ticket(t.id).estimated_wait_s is None
    (row,) = [u for u in _live(hall_server)["unserved"] if u["number"] == t.number]
    assert row["reason"] == "window_closed" and row["open_window"] == 3
