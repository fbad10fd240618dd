"""Dashboard routes against a real server process: login/session/CSRF, the live overview, follow-ups,
the report and its CSV, the events socket, and the page's assets being local."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy import update

from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget

API = "/api/v1"


def bearer(server: HallServer, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}"}


def post(server: HallServer, path: str, role: str, body: Any = None) -> httpx.Response:
    return httpx.post(server.url + API + path, json=body, headers=bearer(server, role), timeout=budget(10))


def manager_session(server: HallServer, token: str | None = None) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=server.url, timeout=budget(10))
    r = client.post(f"{API}/dashboard/login", json={"token": token or server.tokens["manager"]})
    assert r.status_code == 200, r.text
    return client, r.json()["csrf"]


@pytest.fixture(scope="module")
def server(hall_server_shared: HallServer) -> HallServer:
    return hall_server_shared


def test_login_sets_a_strict_httponly_cookie_and_checks_the_role(server: HallServer) -> None:
    anon = httpx.Client(base_url=server.url, timeout=budget(10))
    r = anon.get(f"{API}/dashboard/overview")
    assert r.status_code == 401 and r.json()["error"]["code"] == "dashboard.login_required"
    assert anon.post(f"{API}/dashboard/login", json={"token": server.tokens["clerk"]}).status_code == 403
    bad = anon.post(f"{API}/dashboard/login", json={"token": "not-a-real-token"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "auth.invalid_token"
    r = anon.post(f"{API}/dashboard/login", json={"token": server.tokens["manager"]})
    cookie = r.headers["set-cookie"].lower()
    assert r.status_code == 200 and "httponly" in cookie and "samesite=strict" in cookie
    assert server.tokens["manager"] not in r.headers["set-cookie"]  # the token never goes to the browser
    session = anon.get(f"{API}/dashboard/session").json()
    assert session["role"] == "manager" and session["csrf"] == r.json()["csrf"]
    # A forged cookie is refused.
    anon.cookies.set("hall_dashboard", anon.cookies["hall_dashboard"][:-2] + "xx")
    assert anon.get(f"{API}/dashboard/session").status_code == 401
    assert anon.post(f"{API}/dashboard/logout").status_code == 200


def test_cookie_writes_need_csrf_and_revoking_the_token_ends_the_session(server: HallServer) -> None:
    from hall.server.auth.models import ApiToken
    from hall.server.cli import create_token
    from hall.server.core.db import Database

    db = Database(server.db_url)
    try:
        token = create_token(db, role="manager", name="dash-revoke-test")
        client, csrf = manager_session(server, token)
        fid = post(server, "/help", "terminal", {"terminal_id": "kiosk-csrf", "message": "csrf"}).json()["id"]
        r = client.post(f"{API}/dashboard/followups/{fid}/acknowledge", json={"note": ""})
        assert r.status_code == 403 and r.json()["error"]["code"] == "dashboard.csrf"
        ok = client.post(f"{API}/dashboard/followups/{fid}/acknowledge", json={"note": ""},
                         headers={"X-CSRF-Token": csrf})
        assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
        with db.write() as s:
            s.execute(update(ApiToken).where(ApiToken.name == "dash-revoke-test")
                      .values(revoked_at=datetime.now(UTC)))
        r = client.get(f"{API}/dashboard/overview")
        assert r.status_code == 401 and r.json()["error"]["code"] == "dashboard.session_revoked"
        assert r.json()["error"]["message_zh"] == "登录所用的令牌已被吊销，请重新登录"
    finally:
        db.dispose()


def test_overview_shows_windows_queues_and_suggestion(server: HallServer) -> None:
    assert post(server, "/windows/5/open", "clerk", {"clerk": "刘洋"}).status_code == 200
    numbers = [post(server, "/tickets", "terminal", {"category": "D"}).json()["number"] for _ in range(3)]
    assert post(server, "/windows/5/call-next", "clerk").json()["number"] == numbers[0]
    post(server, "/windows/5/start", "clerk").raise_for_status()
    post(server, "/windows/5/finish", "clerk").raise_for_status()
    assert post(server, "/windows/5/call-next", "clerk").json()["number"] == numbers[1]
    client, _ = manager_session(server)
    o = client.get(f"{API}/dashboard/overview").json()
    w5 = next(w for w in o["windows"] if w["number"] == 5)
    assert w5["status"] == "open" and w5["clerk"] == "刘洋" and w5["served_today"] >= 1
    assert w5["current"]["number"] == numbers[1] and w5["current"]["status"] == "called"
    assert w5["avg_handling_s"] is not None
    d = next(c for c in o["categories"] if c["code"] == "D")
    assert d["waiting"] >= 1 and d["open_windows"] >= 1 and d["sla_minutes"] == 40
    assert {"predicted_wait_s", "breach", "level", "suggest_open"} <= d.keys()
    # A queue nobody serves (G's only window is closed) with someone waiting gets a suggestion.
    post(server, "/tickets", "terminal", {"category": "G"}).raise_for_status()
    o = client.get(f"{API}/dashboard/overview").json()
    g = next(c for c in o["categories"] if c["code"] == "G")
    assert g["open_windows"] == 0 and g["suggest_open"] >= 1
    assert o["totals"]["waiting"] == sum(c["waiting"] for c in o["categories"])


def test_followups_listed_alert_first_then_closed_with_a_note(server: HallServer) -> None:
    help_id = post(server, "/help", "terminal", {"terminal_id": "kiosk-07", "message": "老人需要帮助"}).json()["id"]
    alert_id = post(server, "/alerts", "clerk", {"window": 4}).json()["id"]
    ticket = post(server, "/tickets", "terminal", {"category": "C"}).json()
    for step, body in (("open", {"clerk": "王芳"}), ("call", {"number": ticket["number"]}), ("finish", None)):
        post(server, f"/windows/4/{step}", "clerk", body).raise_for_status()  # only a served ticket is rated
    rating = post(server, "/evaluations", "terminal", {"level": 1, "reasons": ["attitude"], "comment": "太慢了",
                                                         "window": 4, "ticket_id": ticket["id"]}).json()
    client, csrf = manager_session(server)
    o = client.get(f"{API}/dashboard/overview").json()
    ids = [f["id"] for f in o["followups"]]
    assert {help_id, alert_id, rating["followup_id"]} <= set(ids)
    assert o["followups"][0]["kind"] == "alert" and o["totals"]["alerts"] >= 1
    low = next(f for f in o["followups"] if f["id"] == rating["followup_id"])
    assert low["rating"]["level"] == 1 and low["rating"]["comment"] == "太慢了"
    assert low["rating"]["reason_texts"] == [["服务态度不好", "Unfriendly service"]]
    assert low["ticket_number"] == ticket["number"]
    h = {"X-CSRF-Token": csrf}
    assert client.post(f"{API}/dashboard/followups/{help_id}/close", json={"note": " "}, headers=h).status_code == 422
    assert client.post(f"{API}/dashboard/followups/{help_id}/close", json={}, headers=h).status_code == 422
    r = client.post(f"{API}/dashboard/followups/{help_id}/close", json={"note": "已派人协助"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "closed" and "已派人协助" in r.json()["note"]
    again = client.post(f"{API}/dashboard/followups/{help_id}/close", json={"note": "x"}, headers=h)
    assert again.status_code == 409 and again.json()["error"]["code"] == "followup.closed"
    assert client.post(f"{API}/dashboard/followups/999999/close", json={"note": "x"}, headers=h).status_code == 404
    o = client.get(f"{API}/dashboard/overview").json()
    assert help_id not in [f["id"] for f in o["followups"]]
    # Bearer callers (scripts) need no CSRF value.
    r = httpx.post(f"{server.url}{API}/dashboard/followups/{alert_id}/acknowledge", json={"note": "已到场"},
                   headers=bearer(server, "manager"))
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"


def test_report_and_csv_agree(server: HallServer) -> None:
    post(server, "/windows/6/open", "clerk", {"clerk": "周敏"}).raise_for_status()
    for _ in range(3):
        post(server, "/tickets", "terminal", {"category": "E"}).raise_for_status()
    post(server, "/windows/6/call-next", "clerk").raise_for_status()
    post(server, "/windows/6/finish", "clerk").raise_for_status()
    post(server, "/windows/6/call-next", "clerk").raise_for_status()
    post(server, "/windows/6/no-show", "clerk").raise_for_status()
    client, _ = manager_session(server)
    rep = client.get(f"{API}/dashboard/report", params={"period": "day"}).json()
    e = next(r for r in rep["rows"] if r["category"] == "E")
    assert e["tickets"] == 3 and e["served"] == 1 and e["no_show"] == 1 and e["no_show_rate"] == 0.5
    assert e["wait_p50_s"] is not None and e["wait_p90_s"] >= e["wait_p50_s"]
    total = rep["rows"][-1]
    assert total["category"] == "ALL" and total["tickets"] == sum(r["tickets"] for r in rep["rows"][:-1])
    r = client.get(f"{API}/dashboard/report.csv", params={"period": "day"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert [row["category"] for row in rows] == [row["category"] for row in rep["rows"]]
    e_csv = next(row for row in rows if row["category"] == "E")
    assert (e_csv["tickets"], e_csv["served"], e_csv["no_show_rate"]) == ("3", "1", "0.5")
    week = client.get(f"{API}/dashboard/report", params={"period": "week"}).json()
    assert week["rows"][-1]["tickets"] >= total["tickets"]
    assert client.get(f"{API}/dashboard/report", params={"date": "2026-02-30"}).status_code == 422
    far = client.get(f"{API}/dashboard/report", params={"date": "9999-12-31", "period": "week"})
    assert far.status_code == 422 and far.json()["error"]["code"] == "dashboard.bad_date"
    charts = client.get(f"{API}/dashboard/charts").json()
    assert sum(charts["per_hour"]["E"]) == 3 and len(charts["per_hour"]["E"]) == 24
    assert charts["waits_n"] == sum(charts["waits"]["counts"])


async def _socket(url: str, cookie: str | None, origin: str | None, action: Any, want: str) -> Any:
    headers = {}
    if cookie:
        headers["Cookie"] = f"hall_dashboard={cookie}"
    if origin:
        headers["Origin"] = origin
    async with websockets.connect(url, additional_headers=headers, open_timeout=budget(5)) as ws:
        try:
            first = json.loads(await asyncio.wait_for(ws.recv(), 5))
        except websockets.ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd else None
        assert first["type"] == "hello"
        await asyncio.to_thread(action)
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if event["type"] == want:
                return event


def test_events_socket_needs_the_session_and_same_origin(server: HallServer) -> None:
    url = server.url.replace("http://", "ws://") + f"{API}/dashboard/events"
    client, _ = manager_session(server)
    cookie = client.cookies["hall_dashboard"]

    def closed_code(cookie_value: str | None, origin: str | None) -> Any:
        try:
            return asyncio.run(_socket(url, cookie_value, origin, lambda: None, "never"))
        except websockets.InvalidStatus as exc:  # refused before the upgrade completes
            return exc.response.status_code

    assert closed_code(None, None) in (403, 4401)
    assert closed_code(cookie, "http://evil.example") in (403, 4403)
    event = asyncio.run(_socket(url, cookie, server.url, lambda: post(server, "/tickets", "terminal",
                                                                       {"category": "F"}), "ticket.issued"))
    assert event["data"]["category"] == "F"


def test_page_and_every_asset_are_served_locally(server: HallServer) -> None:
    r = httpx.get(server.url + "/dashboard")
    assert r.status_code == 200 and "default-src 'self'" in r.headers["content-security-policy"]
    refs = set(re.findall(r'(?:src|href)="(/dashboard/assets/[^"]+)"', r.text))
    assert any(x.endswith(".js") for x in refs) and any(x.endswith(".css") for x in refs)
    seen: set[str] = set()
    while refs:
        ref = refs.pop()
        seen.add(ref)
        asset = httpx.get(server.url + ref)
        assert asset.status_code == 200, ref
        assert not re.search(r"(src|href|from|url\()\s*=?\s*[\"']?https?://", asset.text), f"remote reference in {ref}"
        for imp in re.findall(r'from "\./([^"]+)"', asset.text):
            if f"/dashboard/assets/{imp}" not in seen:
                refs.add(f"/dashboard/assets/{imp}")
    assert {"/dashboard/assets/dashboard.js", "/dashboard/assets/render.js", "/dashboard/assets/charts.js",
            "/dashboard/assets/alarm.js", "/dashboard/assets/i18n.js"} <= seen
    assert httpx.get(server.url + "/dashboard/assets/..%2F..%2Fserver.key").status_code == 404
