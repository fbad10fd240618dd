"""One report and one follow-up service behind two sets of routes: ``/stats/report`` answers exactly the
dashboard's report (same rows, same CSV), and a follow-up acknowledged through one route and closed
through the other reads the same everywhere — against a real server process."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx

from hall.server.domain.hallday import hall_day
from tests.rigs.hall_server import HallServer

API = "/api/v1"


def _h(server: HallServer, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}"}


def _serve_some(s: HallServer) -> None:
    url = s.url + API
    for _ in range(3):
        httpx.post(f"{url}/tickets", json={"category": "C"}, headers=_h(s, "terminal"))
    httpx.post(f"{url}/windows/4/open", json={}, headers=_h(s, "clerk"))
    httpx.post(f"{url}/windows/4/call-next", headers=_h(s, "clerk"))
    httpx.post(f"{url}/windows/4/finish", headers=_h(s, "clerk"))
    httpx.post(f"{url}/windows/4/call-next", headers=_h(s, "clerk"))
    httpx.post(f"{url}/windows/4/no-show", headers=_h(s, "clerk"))


def test_stats_report_is_the_dashboard_report(hall_server: HallServer) -> None:
    s, url = hall_server, hall_server.url + API
    _serve_some(s)
    today = hall_day(datetime.now(UTC))
    for period in ("day", "week"):
        params = {"period": period, "day": today.isoformat()}
        stats = httpx.get(f"{url}/stats/report", params=params, headers=_h(s, "manager")).json()
        board = httpx.get(f"{url}/dashboard/report", params={"period": period, "date": today.isoformat()},
                          headers=_h(s, "manager")).json()
        assert stats["rows"] == board["rows"] and stats["period_start"] == board["period_start"]
        assert (stats["from"], stats["to"]) == (board["period_start"], board["period_end"])
        csv_stats = httpx.get(f"{url}/stats/report", params={**params, "format": "csv"}, headers=_h(s, "manager"))
        csv_board = httpx.get(f"{url}/dashboard/report.csv", params={"period": period, "date": today.isoformat()},
                              headers=_h(s, "manager"))
        assert csv_stats.text == csv_board.text
        assert csv_stats.headers["content-disposition"] == csv_board.headers["content-disposition"]
    week = httpx.get(f"{url}/stats/report", params={"period": "week", "day": today.isoformat()},
                     headers=_h(s, "manager")).json()
    monday = today - timedelta(days=today.weekday())
    assert date.fromisoformat(week["from"]) == monday and date.fromisoformat(week["to"]) == monday + timedelta(6)
    c = next(r for r in week["rows"] if r["category"] == "C")
    # served 1, no-show 1: no-show rate = 1 ÷ (1 + 1), the dashboard's definition.
    assert (c["tickets"], c["served"], c["no_show"], c["no_show_rate"]) == (3, 1, 1, 0.5)
    assert week["rows"][-1]["category"] == "ALL"


def test_followups_one_service_behind_both_routes(hall_server: HallServer) -> None:
    s, url = hall_server, hall_server.url + API
    fid = httpx.post(f"{url}/help", json={"kind": "help", "terminal_id": "K1", "message": "请帮忙"},
                     headers=_h(s, "terminal")).json()["id"]
    ack = httpx.post(f"{url}/followups/{fid}/acknowledge", json={"note": "马上到"}, headers=_h(s, "manager"))
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    closed = httpx.post(f"{url}/dashboard/followups/{fid}/close", json={"note": "已协助"}, headers=_h(s, "admin"))
    assert closed.status_code == 200, closed.text
    body = closed.json()
    lines = body["note"].splitlines()
    assert len(lines) == 2 and lines[0].endswith(": 马上到") and lines[1].endswith(": 已协助")
    assert body["acknowledged_at"] == ack.json()["acknowledged_at"] and body["closed_at"]
    assert set(ack.json()) == set(body)  # one view
    again = httpx.post(f"{url}/followups/{fid}/close", json={"note": "x"}, headers=_h(s, "manager"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "followup.closed"
    listed = httpx.get(f"{url}/followups", params={"status": "closed"}, headers=_h(s, "manager")).json()
    assert next(f for f in listed if f["id"] == fid)["note"] == body["note"]
    audit = httpx.get(f"{url}/audit", params={"action": "followup.close"}, headers=_h(s, "admin")).json()
    assert [e["target"] for e in audit["entries"]] == [f"followup {fid}"] and audit["entries"][0]["role"] == "admin"
