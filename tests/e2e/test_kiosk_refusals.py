"""Refusals by a real hall server reach the citizen as the specific, translated reason (through the
outbox's Rejected outcome) with the offer of a normal ticket: check-in too early / wrong day,
the per-ID quota, a line at its daily cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from kiosk.flows.idnumber import check_char
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.e2e.test_kiosk_flows import book, scan
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import budget

kiosk, make_kiosk = kiosk_rig.kiosk, kiosk_rig.make_kiosk  # fixtures
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _auth(server: HallServer, role: str = "terminal") -> dict[str, str]:
    return {"Authorization": f"Bearer {server.tokens[role]}"}


def _id(serial: str) -> str:
    base = "11010519800101" + serial
    return base + check_char(base)


def _keypad(rig: KioskRig, id_number: str) -> None:
    rig.tap("手动输入身份证号")
    rig.wait_screen("keypad")
    rig.controller.act("keypad_submit", id_number)  # the keypad's own typing is tested in test_kiosk_session


def _take(rig: KioskRig, category: str) -> None:
    rig.tile("take_number")
    rig.wait_screen("categories")
    rig.tap(f"{category}  ")
    rig.wait_screen("identify")


def test_checkin_too_early_says_when_to_come_back(kiosk: KioskRig) -> None:
    now = datetime.now(UTC)
    start = now + timedelta(hours=3)
    same_day = start.astimezone(SHANGHAI).date() == now.astimezone(SHANGHAI).date()
    code = book(kiosk.hall, start=start)
    kiosk.tile("checkin")
    kiosk.wait_screen("identify")
    scan(kiosk, code)
    kiosk.wait_screen("checkin_refused")
    data = kiosk.machine.view.data
    texts = kiosk.texts()
    if same_day:
        assert data["reason"] == "early" and data["back"]
        assert "您来早了，还没到签到时间。" in texts
        assert f"请于 {data['back']} 以后再来签到。" in texts
    else:  # run late in the evening: the slot is tomorrow
        assert data["reason"] == "wrong_day"
    assert "您可以现在取普通号。" in texts and data["category"] == "A" and data["slot"]
    kiosk.tap("改取普通号")
    kiosk.wait_screen("identify")  # straight into the booking's line


def test_checkin_on_the_wrong_day_is_explained_in_english_too(kiosk: KioskRig) -> None:
    code = book(kiosk.hall, start=datetime.now(UTC) + timedelta(days=2))
    kiosk.tap(kiosk.window.top.btn_en)
    kiosk.tile("checkin")
    kiosk.wait_screen("identify")
    scan(kiosk, code)
    kiosk.wait_screen("checkin_refused")
    assert kiosk.machine.view.data["reason"] == "wrong_day"
    texts = kiosk.texts()
    assert "Your booking is not for today. Please check in on that day." in texts
    assert "You can take a normal number now." in texts


def test_the_per_id_quota_is_explained_with_the_limit(kiosk: KioskRig) -> None:
    server = kiosk.hall
    assert server is not None
    citizen = _id("041")
    for _ in range(3):  # the demo hall allows three tickets per ID per line per day
        r = httpx.post(f"{server.url}/api/v1/tickets", json={"category": "B", "id_number": citizen},
                       headers=_auth(server), timeout=budget(5))
        assert r.status_code == 201, r.text
    _take(kiosk, "B")
    _keypad(kiosk, citizen)
    kiosk.wait_screen("message")
    view = kiosk.machine.view
    assert view.data["key"] == "refused.quota"
    texts = kiosk.texts()
    assert "您今天在该类业务的取号次数已达上限。" in texts
    assert "每人每天每类业务最多取号 3 次，您今天已取 3 次。" in texts
    assert kiosk.drivers["printer"].device.last_job() is None
    outbox = kiosk.controller.services.terminal_raw.outbox
    assert not [r for r in outbox.records() if r.kind == "ticket"]  # refused in front of the citizen: nothing kept


def test_a_line_at_its_daily_cap_is_shown_full_with_the_reason(make_kiosk: Any, hall_server: HallServer) -> None:
    admin = _auth(hall_server, "admin")
    cats = httpx.get(f"{hall_server.url}/api/v1/categories", headers=admin, timeout=budget(5)).json()
    b = next(c for c in cats if c["code"] == "B")
    body = {k: b[k] for k in ("code", "name_zh", "name_en", "sla_minutes", "opens", "closes") if k in b}
    r = httpx.put(f"{hall_server.url}/api/v1/categories/B", headers=admin, json={**body, "daily_cap": 1},
                  timeout=budget(5))
    assert r.status_code == 200, r.text
    rig = make_kiosk(hall_server)
    _take(rig, "B")  # the line still had its one number when the list was shown …
    r = httpx.post(f"{hall_server.url}/api/v1/tickets", json={"category": "B"}, headers=_auth(hall_server),
                   timeout=budget(5))
    assert r.status_code == 201, r.text  # … and another kiosk took it meanwhile
    rig.tap("跳过，直接取号")
    rig.wait_screen("categories")
    view = rig.machine.view
    assert view.data["notice"] == "categories.full.daily_cap"
    row = next(c for c in view.data["categories"] if c["code"] == "B")
    assert row["full"] and row["full_reason"] == "daily_cap"
    assert any(t.startswith("B 类业务今日号源已满") for t in rig.texts())
    assert rig.drivers["printer"].device.last_job() is None
    rig.tap("返回首页")
    rig.wait_screen("home")
    rig.tile("take_number")  # the next citizen sees the line full before touching it
    rig.wait_screen("categories")
    assert next(c for c in rig.machine.view.data["categories"] if c["code"] == "B")["full"]
    rig.tap("B  ")  # tapping it explains, and asks for no card first
    rig.wait_screen("categories")
    assert rig.machine.view.data["notice"] == "categories.full.daily_cap"
