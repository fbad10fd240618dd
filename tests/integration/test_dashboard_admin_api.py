"""The dashboard's admin routes against a real server process: admin only (a manager gets 403), CSRF on
cookie writes, every change audited, the holiday calendar's add/remove/import, bad input refused."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget

API = "/api/v1"
ADMIN = f"{API}/dashboard/admin"


@pytest.fixture(scope="module")
def server(hall_server_shared: HallServer) -> HallServer:
    return hall_server_shared


def session(server: HallServer, role: str) -> tuple[httpx.Client, dict[str, str]]:
    client = httpx.Client(base_url=server.url, timeout=budget(10))
    r = client.post(f"{API}/dashboard/login", json={"token": server.tokens[role]})
    assert r.status_code == 200, r.text
    return client, {"X-CSRF-Token": r.json()["csrf"]}


def audit(server: HallServer, action: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{server.url}{API}/audit", params={"action": action},
                  headers={"Authorization": f"Bearer {server.tokens['admin']}"}, timeout=budget(10))
    assert r.status_code == 200, r.text
    entries: list[dict[str, Any]] = r.json()["entries"]
    return entries


def category_body(client: httpx.Client, code: str, **change: Any) -> dict[str, Any]:
    cat = next(c for c in client.get(f"{ADMIN}/categories").json() if c["code"] == code)
    keys = ("code", "name_zh", "name_en", "sla_minutes", "daily_cap", "opens", "closes", "at_close")
    body = {k: cat[k] for k in keys}
    return body | change


def test_a_manager_session_neither_reads_nor_writes_the_admin_routes(server: HallServer) -> None:
    client, csrf = session(server, "manager")
    for path in ("/categories", "/windows", "/calendar", "/items"):
        r = client.get(ADMIN + path)
        assert r.status_code == 403 and r.json()["error"]["code"] == "dashboard.admin_only", path
    admin, _ = session(server, "admin")
    body = category_body(admin, "A", sla_minutes=7)
    r = client.put(f"{ADMIN}/categories/A", json=body, headers=csrf)
    assert r.status_code == 403 and r.json()["error"]["code"] == "dashboard.admin_only"
    r = client.put(f"{ADMIN}/windows/1", json={"categories": ["A"]}, headers=csrf)
    assert r.status_code == 403
    r = client.put(f"{ADMIN}/calendar/2030-10-01", json={"working": False, "name": "国庆节"}, headers=csrf)
    assert r.status_code == 403
    bearer = {"Authorization": f"Bearer {server.tokens['manager']}"}
    assert httpx.get(server.url + ADMIN + "/categories", headers=bearer, timeout=budget(10)).status_code == 403
    assert category_body(admin, "A")["sla_minutes"] != 7  # nothing changed


def test_an_admin_changes_a_lines_sla_cap_and_hours_audited_and_csrf_checked(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    body = category_body(client, "B", sla_minutes=12, daily_cap=150, opens="08:30", closes="16:45")
    r = client.put(f"{ADMIN}/categories/B", json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "dashboard.csrf"
    r = client.put(f"{ADMIN}/categories/B", json=body, headers=csrf)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["sla_minutes"], out["daily_cap"], out["opens"], out["closes"]) == (12, 150, "08:30", "16:45")
    live = client.get(f"{API}/dashboard/overview").json()
    assert next(c for c in live["categories"] if c["code"] == "B")["sla_minutes"] == 12
    entry = audit(server, "category.configure")[0]
    assert entry["target"] == "category B" and entry["role"] == "admin" and "sla 12" in entry["detail"]


def test_an_admin_sets_a_windows_lines_and_weights(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    r = client.put(f"{ADMIN}/windows/2", json={"name": "综合", "categories": ["A", "B"],
                                                "weights": {"A": 2, "B": 1}}, headers=csrf)
    assert r.status_code == 200, r.text
    assert r.json()["categories"] == ["A", "B"] and r.json()["weights"] == {"A": 2, "B": 1}
    listed = next(w for w in client.get(f"{ADMIN}/windows").json() if w["number"] == 2)
    assert listed["categories"] == ["A", "B"]
    entry = audit(server, "window.configure")[0]
    assert entry["target"] == "window 2" and "A:2" in entry["detail"]
    bad = client.put(f"{ADMIN}/windows/2", json={"categories": ["AA"]}, headers=csrf)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation"


def test_the_holiday_calendar_add_remove_and_import(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    r = client.put(f"{ADMIN}/calendar/2031-10-01", json={"working": False, "name": "国庆节"}, headers=csrf)
    assert r.status_code == 200, r.text
    r = client.put(f"{ADMIN}/calendar/2031-09-27", json={"working": True, "name": "国庆调休"}, headers=csrf)
    assert r.status_code == 200, r.text  # a Saturday worked
    weekday_worked = client.put(f"{ADMIN}/calendar/2031-09-30", json={"working": True}, headers=csrf)
    assert weekday_worked.status_code == 422
    assert weekday_worked.json()["error"]["code"] == "dashboard.calendar_day"
    days = client.get(f"{ADMIN}/calendar", params={"year": 2031}).json()
    assert [(d["day"], d["working"]) for d in days] == [("2031-09-27", True), ("2031-10-01", False)]
    assert client.delete(f"{ADMIN}/calendar/2031-09-27", headers=csrf).status_code == 200
    gone = client.delete(f"{ADMIN}/calendar/2031-09-27", headers=csrf)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "dashboard.calendar_day_not_found"
    assert audit(server, "admin.calendar_remove")[0]["target"] == "day 2031-09-27"

    good = "\ufeff日期,类型,名称\n2032-01-01,休,元旦\n2032-02-07,班,春节调休\n"
    r = client.post(f"{ADMIN}/calendar/import", json={"csv": good}, headers=csrf)
    assert r.status_code == 200, r.text
    assert r.json() == {"years": [2032], "days_off": 1, "working_days": 1}
    bad = "日期,类型,名称\n2032-05-01,休,劳动节\n2032-05-06,班,错\n"
    r = client.post(f"{ADMIN}/calendar/import", json={"csv": bad}, headers=csrf)
    assert r.status_code == 422 and r.json()["error"]["code"] == "calendar.file"
    assert "3" in r.json()["error"]["message_zh"] and "类型" in r.json()["error"]["message_zh"]
    kept = client.get(f"{ADMIN}/calendar", params={"year": 2032}).json()
    assert [d["day"] for d in kept] == ["2032-01-01", "2032-02-07"]  # the bad file changed nothing
    assert audit(server, "admin.calendar_import")[0]["target"] == "years 2032"


def test_admin_routes_refuse_bad_input_without_a_5xx(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    for method, path, body in [
        ("GET", "/calendar?year=abc", None), ("GET", "/calendar?year=1800", None),
        ("PUT", "/calendar/2031-02-30", {"working": False}), ("PUT", "/calendar/x", {"working": False}),
        ("PUT", "/calendar/2031-10-02", {"working": False, "name": "x" * 40}),
        ("DELETE", "/calendar/9999-99-99", None), ("PUT", "/categories/a", {"code": "a", "name_zh": "x"}),
        ("PUT", "/categories/C", {"code": "D", "name_zh": "x"}),
        ("PUT", "/categories/C", {"code": "C", "name_zh": "x", "sla_minutes": 0}),
        ("PUT", "/windows/0", {"categories": ["A"]}), ("POST", "/calendar/import", {"csv": ""}),
        ("POST", "/calendar/import", {"csv": "x" * (300 * 1024)}),
    ]:
        r = client.request(method, ADMIN + path, json=body, headers=csrf)
        assert 400 <= r.status_code < 500, (path, r.status_code, r.text)
        assert r.json()["error"]["message_zh"], path


def test_the_items_list_is_read_only(server: HallServer) -> None:
    client, csrf = session(server, "admin")
    items = client.get(f"{ADMIN}/items").json()
    assert items and all(i["code"] and i["category"] for i in items)
    assert client.post(f"{ADMIN}/items", json={}, headers=csrf).status_code == 405
