"""差评整改 to the end (issue 15, item 8) against a real server process: a low rating opens a follow-up 待核实,
due in 5 working days counted with the hall's holiday calendar; it moves 待核实 → 整改中 → 已整改 → 已回访 (or
不属实), each step with who, when and a note, out-of-order steps refused; past its deadline it is flagged overdue
and raised as an alert; the call-back phone is shown to a manager on request and the read audited; closed ones
stay in the 整改台账 (CSV and XLSX, Chinese headers, no phone); 整改率 and 回访率 are on the report."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from openpyxl import load_workbook

from hall.server.calendar.service import store
from hall.server.core.db import Database
from hall.server.domain import holidays as dh
from hall.server.domain import rectification as rect
from hall.server.domain.hallday import hall_day
from hall.server.domain.workdays import WeekendCalendar, add_working_days
from tests.rigs.hall_server import HallServer, sqlite_template, start_hall_server
from tests.rigs.waiting import budget

API = "/api/v1"
PHONE = "13812345678"


def _h(server: HallServer, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}"}


def _post(server: HallServer, path: str, role: str, body: Any = None) -> httpx.Response:
    return httpx.post(server.url + API + path, json=body, headers=_h(server, role), timeout=10)


def _ok(r: httpx.Response) -> Any:
    assert r.status_code < 300, r.text
    return r.json() if r.content else {}


def _holidays(today: date) -> list[dh.CalendarDay]:
    """The next three days are holidays: the deadline moves past them (the calendar is the hall's own)."""
    return [dh.CalendarDay(today + timedelta(days=i), False, "测试假日") for i in (1, 2, 3)]


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    import shutil

    workdir = tmp_path_factory.mktemp("rectify")
    path = workdir / "hall.db"
    template, tokens = sqlite_template()
    shutil.copyfile(template, path)
    db = Database(f"sqlite:///{path}")
    try:
        store(db, _holidays(hall_day(datetime.now(UTC))))
    finally:
        db.dispose()
    server = start_hall_server(f"sqlite:///{path}", workdir)
    server.tokens = dict(tokens)
    yield server
    server.stop()


def _served_low_rating(s: HallServer, *, phone: str | None = None) -> dict[str, Any]:
    """刘洋 at window 5 serves a D ticket; it is rated 1★ (attitude); the low rating's follow-up."""
    _ok(_post(s, "/windows/5/open", "clerk", {"clerk": "刘洋"}))
    t = _ok(_post(s, "/tickets", "terminal", {"category": "D"}))
    assert _ok(_post(s, "/windows/5/call-next", "clerk"))["id"] == t["id"]
    for step in ("start", "finish"):
        _ok(_post(s, f"/windows/5/{step}", "clerk"))
    body: dict[str, Any] = {"level": 1, "reasons": ["attitude"], "ticket_id": t["id"], "window": 5}
    if phone:
        body["callback_phone"] = phone
    ev = _ok(_post(s, "/evaluations", "terminal", body))
    return _followup(s, ev["followup_id"])


def _followup(s: HallServer, fid: int) -> dict[str, Any]:
    r = httpx.get(f"{s.url}{API}/followups", params={"kind": "low_rating"}, headers=_h(s, "manager"), timeout=10)
    return next(f for f in _ok(r) if f["id"] == fid)


def _zh(r: httpx.Response) -> str:
    return json.dumps(r.json()["error"], ensure_ascii=False)


def _step(s: HallServer, fid: int, stage: str, note: str) -> httpx.Response:
    return _post(s, f"/followups/{fid}/step", "manager", {"stage": stage, "note": note})


def test_a_low_rating_opens_a_followup_due_in_five_working_days_by_the_hall_calendar(hall: HallServer) -> None:
    f = _served_low_rating(hall)
    assert (f["stage"], f["stage_zh"], f["status"], f["overdue"]) == ("verifying", "待核实", "open", False)
    assert f["clerk"] == "刘洋" and f["window"] == 5 and f["ticket_number"]
    rated = datetime.fromisoformat(f["created_at"])
    cal = WeekendCalendar.of(holidays=[d.day for d in _holidays(hall_day(rated))])
    expected = rect.due_at(add_working_days(hall_day(rated), 5, calendar=cal))
    assert datetime.fromisoformat(f["due_at"]) == expected
    assert expected > rect.due_at(add_working_days(hall_day(rated), 5))  # the holidays moved it
    assert [s["stage"] for s in f["steps"]] == ["verifying"] and f["steps"][0]["who"]


def test_stages_move_in_order_each_with_who_when_and_a_note(hall: HallServer) -> None:
    fid = _served_low_rating(hall)["id"]
    bad = _step(hall, fid, "revisited", "已回访")
    assert bad.status_code == 409 and bad.json()["error"]["code"] == "followup.bad_step"
    assert "待核实" in _zh(bad) and "已回访" in _zh(bad)
    no_note = _step(hall, fid, "rectifying", "  ")
    assert no_note.status_code == 422 and no_note.json()["error"]["code"] == "followup.step_note_required"
    unknown = _step(hall, fid, "done", "x")
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "followup.unknown_stage"
    for stage, note in (("rectifying", "核实属实，已约谈窗口人员"), ("rectified", "已培训，调整窗口排班"),
                        ("revisited", "电话回访，群众表示满意")):
        out = _ok(_step(hall, fid, stage, note))
        assert out["stage"] == stage and out["steps"][-1]["note"] == note
    assert out["status"] == "closed" and out["closed_at"] and out["stage_zh"] == "已回访"
    steps = out["steps"]
    assert [s["stage"] for s in steps] == ["verifying", "rectifying", "rectified", "revisited"]
    assert all(s["who"] and s["at"] for s in steps) and steps[1]["who"] == steps[3]["who"]
    again = _step(hall, fid, "revisited", "再次回访")
    assert again.status_code == 409 and again.json()["error"]["code"] == "followup.closed"


def test_an_unfounded_rating_ends_and_leaves_the_rectification_count(hall: HallServer) -> None:
    fid = _served_low_rating(hall)["id"]
    out = _ok(_step(hall, fid, "unfounded", "调取录像核实，评价不属实"))
    assert (out["stage"], out["stage_zh"], out["status"]) == ("unfounded", "不属实", "closed")


def test_callback_phone_shown_to_a_manager_on_request_and_audited(hall: HallServer) -> None:
    f = _served_low_rating(hall, phone=PHONE)
    assert f["has_contact"] is True and PHONE not in json.dumps(f)
    denied = httpx.get(f"{hall.url}{API}/followups/{f['id']}/callback-phone", headers=_h(hall, "clerk"), timeout=10)
    assert denied.status_code == 403
    r = _ok(httpx.get(f"{hall.url}{API}/followups/{f['id']}/callback-phone", headers=_h(hall, "manager"),
                      timeout=10))
    assert (r["phone"], r["source"]) == (PHONE, "rating")
    audit = _ok(httpx.get(f"{hall.url}{API}/audit", params={"action": "followup.callback_phone"},
                          headers=_h(hall, "admin"), timeout=10))["entries"]
    assert any(e["target"] == f"followup {f['id']}" for e in audit)
    assert all(PHONE not in json.dumps(e) for e in audit) and PHONE not in hall.log()
    none = _served_low_rating(hall)
    missing = httpx.get(f"{hall.url}{API}/followups/{none['id']}/callback-phone", headers=_h(hall, "manager"),
                        timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "followup.no_contact"
    bad = _post(hall, "/evaluations", "terminal", {"level": 1, "reasons": ["attitude"], "ticket_id": 1,
                                                    "callback_phone": "call me maybe"})
    assert bad.status_code == 422


async def _overdue_event(s: HallServer, action: Any) -> dict[str, Any]:
    url = s.url.replace("http://", "ws://") + "/api/v1/events"
    async with websockets.connect(url, open_timeout=budget(5), additional_headers=_h(s, "manager")) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), budget(5)))["type"] == "hello"
        await asyncio.to_thread(action)
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), budget(10)))
            if event["type"] == "alert.followup_overdue":
                return event


def test_past_its_deadline_a_followup_is_overdue_and_raised_as_an_alert(hall: HallServer) -> None:
    f = _served_low_rating(hall)
    db_path = Path(hall.db_url.removeprefix("sqlite:///"))
    past = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(db_path) as conn:  # five working days later, as far as the deadline knows
        conn.execute("UPDATE followups SET due_at = ? WHERE id = ?", (past, f["id"]))

    event = asyncio.run(_overdue_event(hall, lambda: _followup(hall, f["id"])))
    assert event["data"]["id"] == f["id"] and event["data"]["overdue"] is True
    listed = _followup(hall, f["id"])
    assert listed["overdue"] is True
    board = httpx.Client(base_url=hall.url, timeout=10)
    board.post(f"{API}/dashboard/login", json={"token": hall.tokens["manager"]}).raise_for_status()
    lows = [x for x in board.get(f"{API}/dashboard/overview").json()["followups"] if x["kind"] == "low_rating"]
    assert lows[0]["id"] == f["id"] and lows[0]["overdue"] is True  # overdue first, not sunk to the bottom


def test_ledger_keeps_closed_ones_as_csv_and_xlsx_with_chinese_headers(hall: HallServer) -> None:
    f = _served_low_rating(hall, phone=PHONE)
    for stage, note in (("rectifying", "核实属实"), ("rectified", "已整改到位"), ("revisited", "已回访满意")):
        _ok(_step(hall, f["id"], stage, note))
    rows = _ok(httpx.get(f"{hall.url}{API}/followups/ledger", headers=_h(hall, "manager"), timeout=10))
    mine = next(r for r in rows if r["id"] == f["id"])
    assert mine["stage_zh"] == "已回访" and mine["clerk"] == "刘洋" and mine["level_zh"] == "非常不满意"
    r = httpx.get(f"{hall.url}{API}/followups/ledger", params={"format": "csv"}, headers=_h(hall, "manager"),
                  timeout=10)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert PHONE not in r.text
    table = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    head = table[0]
    for h in ("编号", "评价时间", "窗口", "工作人员", "评价等级", "差评原因", "整改环节", "整改期限", "是否超期",
              "核实人", "整改说明", "回访人", "回访说明", "关闭时间"):
        assert h in head
    line = next(row for row in table[1:] if row[0] == str(f["id"]))
    assert line[head.index("整改环节")] == "已回访" and line[head.index("回访说明")] == "已回访满意"
    assert line[head.index("差评原因")] == "服务态度不好" and line[head.index("关闭时间")]
    x = httpx.get(f"{hall.url}{API}/followups/ledger", params={"format": "xlsx"}, headers=_h(hall, "manager"),
                  timeout=10)
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws is not None and ws.title == "整改台账" and ws["A1"].value == "编号"
    assert any(row[0] == f["id"] and "已回访" in row for row in ws.iter_rows(min_row=2, values_only=True))


def test_report_has_rectify_and_revisit_rates(hall: HallServer) -> None:
    # fresh: one revisited, one only rectified, one unfounded (leaves the count), one still 待核实
    ids = [_served_low_rating(hall)["id"] for _ in range(4)]
    for stage, note in (("rectifying", "属实"), ("rectified", "已整改"), ("revisited", "已回访")):
        _ok(_step(hall, ids[0], stage, note))
    for stage, note in (("rectifying", "属实"), ("rectified", "已整改")):
        _ok(_step(hall, ids[1], stage, note))
    _ok(_step(hall, ids[2], "unfounded", "不属实"))
    r = httpx.get(f"{hall.url}{API}/stats/report", params={"by": "window"}, headers=_h(hall, "manager"), timeout=10)
    w5 = next(row for row in _ok(r)["rows"] if row["key"] == "5")
    assert w5["rectified"] >= 2 and w5["revisited"] >= 1
    assert w5["rectify_rate"] == round(w5["rectified"] / (w5["rating_bad"] - _unfounded(hall)), 4)
    assert w5["revisit_rate"] == round(w5["revisited"] / (w5["rating_bad"] - _unfounded(hall)), 4)
    c = httpx.get(f"{hall.url}{API}/stats/report", params={"by": "window", "format": "csv"},
                  headers=_h(hall, "manager"), timeout=10)
    head = next(csv.reader(io.StringIO(c.text.lstrip("\ufeff"))))
    assert "整改率" in head and "回访率" in head


def _unfounded(s: HallServer) -> int:
    r = httpx.get(f"{s.url}{API}/followups", params={"kind": "low_rating"}, headers=_h(s, "manager"), timeout=10)
    return sum(1 for f in _ok(r) if f["stage"] == "unfounded")
