"""Offline tickets from a terminal whose clock is wrong by hours, against a real server process: a clock
behind never stores the citizen's ticket as "yesterday" nor lets it jump the queue by hours, a clock
ahead never puts it behind everyone; the terminal's own time is kept for the record; with the
terminal's clock reading (X-Terminal-Clock) the real issue time is recovered in both directions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.rigs.hall_server import HallServer
from tests.rigs.hall_time import earlier_today

API = "/api/v1"


def _h(server: HallServer, role: str = "terminal", **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}", **extra}


def _offline(server: HallServer, number: str, issued_at: datetime, clock: datetime | None = None) -> dict[str, object]:
    headers = _h(server, **({"X-Terminal-Clock": clock.isoformat()} if clock else {}))
    body = {"category": "E", "source": "offline", "offline_number": number, "terminal_id": "K7",
            "issued_at": issued_at.isoformat()}
    r = httpx.post(f"{server.url}{API}/tickets", json=body, headers={**headers, "Idempotency-Key": number})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _plain(server: HallServer) -> str:
    return str(httpx.post(f"{server.url}{API}/tickets", json={"category": "E"}, headers=_h(server)).json()["number"])


def _call_order(server: HallServer, n: int) -> list[str]:
    clerk = _h(server, "clerk")
    httpx.post(f"{server.url}{API}/windows/6/open", json={}, headers=clerk)
    return [httpx.post(f"{server.url}{API}/windows/6/call-next", headers=clerk).json()["number"] for _ in range(n)]


@pytest.mark.parametrize("hours", [-12, -30])
def test_clock_behind_by_hours_is_queued_today_at_receipt(hall_server: HallServer, hours: int) -> None:
    before = _plain(hall_server)
    reported = datetime.now(UTC) + timedelta(hours=hours)
    t = _offline(hall_server, "K7-E001", reported)
    after = _plain(hall_server)
    assert t["status"] == "waiting" and t["issue_time_basis"] == "received"
    assert datetime.fromisoformat(str(t["offline_issued_at"])) == reported  # the terminal's time, kept
    assert abs(datetime.fromisoformat(str(t["issued_at"])) - datetime.now(UTC)) < timedelta(minutes=1)
    assert _call_order(hall_server, 3) == [before, "K7-E001", after]


def test_clock_ahead_does_not_put_the_citizen_behind_everyone(hall_server: HallServer) -> None:
    before = _plain(hall_server)
    t = _offline(hall_server, "K7-E002", datetime.now(UTC) + timedelta(hours=5))
    after = _plain(hall_server)
    assert t["status"] == "waiting" and t["issue_time_basis"] == "received"
    assert _call_order(hall_server, 3) == [before, "K7-E002", after]


def test_a_plausible_outage_keeps_its_place(hall_server: HallServer) -> None:
    later = _plain(hall_server)
    t = _offline(hall_server, "K7-E003", earlier_today(timedelta(minutes=40)))
    assert t["issue_time_basis"] == "reported"
    assert _call_order(hall_server, 2) == ["K7-E003", later]


@pytest.mark.parametrize("skew_h", [-7, 6])
def test_the_terminal_clock_recovers_the_real_issue_time(hall_server: HallServer, skew_h: int) -> None:
    really = earlier_today(timedelta(hours=3))  # issued during a three-hour outage (of today)
    earlier = _plain(hall_server)  # issued now: the offline citizen has waited longer
    skew = timedelta(hours=skew_h)
    t = _offline(hall_server, "K7-E004", really + skew, clock=datetime.now(UTC) + skew)
    assert t["issue_time_basis"] == "corrected" and t["status"] == "waiting"
    assert abs(datetime.fromisoformat(str(t["issued_at"])) - really) < timedelta(seconds=30)
    assert abs(float(t["terminal_clock_offset_s"]) - skew.total_seconds()) < 30  # type: ignore[arg-type]
    assert _call_order(hall_server, 2) == ["K7-E004", earlier]


def test_a_really_stale_ticket_is_kept_closed_and_resending_replays(hall_server: HallServer) -> None:
    now = datetime.now(UTC)
    t = _offline(hall_server, "K7-E005", now - timedelta(hours=30), clock=now)
    assert t["status"] == "cancelled"
    again = _offline(hall_server, "K7-E005", now - timedelta(hours=30), clock=datetime.now(UTC))
    assert again["id"] == t["id"]  # a new clock reading under the same key is still a replay
    bad = httpx.post(f"{hall_server.url}{API}/tickets", headers=_h(hall_server, **{"X-Terminal-Clock": "yesterday"}),
                     json={"category": "E", "source": "offline", "offline_number": "K7-E006", "terminal_id": "K7",
                           "issued_at": now.isoformat()})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "ticket.bad_terminal_clock"
