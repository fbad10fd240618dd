"""Staff and screens present (issue 15, item 4): staff accounts sign in at the counter with a PIN
(hashed, locked after five wrong ones), tickets carry the clerk, sign-out closes the window; counters,
displays and pads register and beat like kiosks; a window whose counter stops beating shows offline;
``GET /terminals`` lists every kind with faults first, named in words."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.rigs.api_calls import call_as, ok, refused
from tests.rigs.hall_server import ROOT, HallServer, start_prepared
from tests.rigs.waiting import wait_until

API = "/api/v1"




@pytest.fixture
def quick_offline(tmp_path: Path) -> Iterator[HallServer]:
    """A server that calls a terminal offline after 6 s without a heartbeat (90 s in a hall)."""
    s = start_prepared(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path,
                       settings=("server.terminal_offline_after_s=6",))
    yield s
    s.stop()


def test_create_staff_on_the_command_line_stores_only_a_hash(hall_server: HallServer) -> None:
    s = hall_server
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "hall", "admin", "create-staff", "--db", s.db_url,
                          "--staff-no", "1005", "--name", "李娜"], input="4711\n", capture_output=True, text=True,
                         cwd=ROOT, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert "4711" not in run.stdout + run.stderr and "李娜" not in run.stdout  # masked name, never the PIN
    again = subprocess.run([sys.executable, str(ROOT / "main.py"), "hall", "admin", "create-staff", "--db",
                            s.db_url, "--staff-no", "1005", "--name", "李娜"], input="1234\n", capture_output=True,
                           text=True, cwd=ROOT, timeout=120, check=False)
    assert again.returncode == 1 and "1005" in again.stderr
    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "hall", "admin", "create-staff", "--db",
                          s.db_url, "--staff-no", "1006", "--name", "王芳"], input="12\n", capture_output=True,
                         text=True, cwd=ROOT, timeout=120, check=False)
    assert bad.returncode == 2 and "4 到 8 位数字" in bad.stderr
    engine = create_engine(s.db_url)
    try:
        with engine.connect() as c:
            (stored,) = c.execute(text("SELECT pin_hash FROM staff WHERE staff_no = '1005'")).one()
    finally:
        engine.dispose()
    assert stored.startswith("scrypt$") and "4711" not in stored
    # …and the clerk signs in with it.
    w = ok(call_as(s, "counter", "POST", "/windows/1/sign-in", {"staff_no": "1005", "pin": "4711"}))
    assert w["status"] == "open" and w["clerk"] == "李娜"


def test_sign_in_names_the_clerk_on_tickets_and_sign_out_closes_the_window(hall_server: HallServer) -> None:
    s = hall_server
    made = ok(call_as(s, "manager", "POST", "/staff", {"staff_no": "2001", "name": "王芳", "pin": "2468"}))
    assert "pin" not in made and "pin_hash" not in made
    refused(call_as(s, "manager", "POST", "/staff", {"staff_no": "2001", "name": "王芳", "pin": "1357"}), 409,
             "staff.exists")
    # The counter of window 1 signs in only at window 1.
    refused(call_as(s, "counter", "POST", "/windows/2/sign-in", {"staff_no": "2001", "pin": "2468"}), 403,
             "auth.other_window")
    w = ok(call_as(s, "counter", "POST", "/windows/1/sign-in", {"staff_no": "2001", "pin": "2468"}))
    assert (w["status"], w["clerk"]) == ("open", "王芳")
    t = ok(call_as(s, "kiosk", "POST", "/tickets", {"category": "A"}))
    ok(call_as(s, "counter", "POST", "/windows/1/call-next"))
    ok(call_as(s, "counter", "POST", "/windows/1/finish"))
    rows = ok(call_as(s, "manager", "GET", "/stats/report?period=day&by=clerk"))["rows"]
    assert any(r["key"] == "王芳" and r["served"] >= 1 for r in rows), rows
    assert ok(call_as(s, "manager", "GET", f"/tickets/{t['id']}"))["window"] == 1
    out = ok(call_as(s, "counter", "POST", "/windows/1/sign-out"))
    assert (out["status"], out["clerk"]) == ("closed", "")
    refused(call_as(s, "counter", "POST", "/windows/1/sign-out"), 409, "staff.not_signed_in")
    (listed,) = [x for x in ok(call_as(s, "manager", "GET", "/staff")) if x["staff_no"] == "2001"]
    assert listed["window"] is None


def test_five_wrong_pins_lock_the_account(hall_server: HallServer) -> None:
    s = hall_server
    ok(call_as(s, "manager", "POST", "/staff", {"staff_no": "3001", "name": "刘洋", "pin": "9753"}))
    refused(call_as(s, "counter", "POST", "/windows/1/sign-in", {"staff_no": "nobody", "pin": "9753"}), 403,
             "staff.sign_in_failed")
    for _ in range(4):
        refused(call_as(s, "counter", "POST", "/windows/1/sign-in", {"staff_no": "3001", "pin": "0000"}), 403,
                 "staff.sign_in_failed")
    refused(call_as(s, "counter", "POST", "/windows/1/sign-in", {"staff_no": "3001", "pin": "0000"}), 403,
             "staff.locked")
    # Locked: even the right PIN is refused now, and the window stays closed.
    refused(call_as(s, "counter", "POST", "/windows/1/sign-in", {"staff_no": "3001", "pin": "9753"}), 403,
             "staff.locked")
    (w1,) = [w for w in ok(call_as(s, "counter", "GET", "/windows")) if w["number"] == 1]
    assert w1["status"] == "closed"
    trail = ok(call_as(s, "admin", "GET", "/audit?action=staff.sign_in_failed"))["entries"]
    assert len(trail) == 6 and all("9753" not in str(e) and "0000" not in str(e) for e in trail)


def test_every_kind_registers_and_faults_come_first_in_words(hall_server: HallServer) -> None:
    s = hall_server
    ok(call_as(s, "counter", "POST", "/terminals/register", {"id": "C1", "kind": "counter", "name": "1号窗口"}))
    ok(call_as(s, "evaluator", "POST", "/terminals/register", {"id": "E1", "kind": "evaluator"}))
    ok(call_as(s, "manager", "POST", "/terminals/register", {"id": "D1", "kind": "display"}))
    ok(call_as(s, "kiosk", "POST", "/terminals/register", {"id": "K1", "kind": "kiosk"}))
    ok(call_as(s, "kiosk", "POST", "/terminals/K1/heartbeat", {"devices": [
        {"kind": "printer", "health": "degraded", "code": "device.printer.paper_out"},
        {"kind": "id_card", "health": "offline", "code": "device.unavailable"}]}))
    ok(call_as(s, "manager", "POST", "/terminals/D1/heartbeat", {"devices": [
        {"kind": "voice", "health": "degraded", "code": "device.voice.no_engine"}]}))
    ok(call_as(s, "counter", "POST", "/terminals/C1/heartbeat", {"devices": []}))
    # A counter's token registers only for its own window.
    refused(call_as(s, "counter", "POST", "/terminals/register", {"id": "C1", "kind": "counter", "window": 2}), 403,
             "auth.other_window")
    listed = ok(call_as(s, "manager", "GET", "/terminals"))
    assert {"kiosk", "counter", "display", "evaluator"} <= {t["kind"] for t in listed}
    by_id = {t["id"]: t for t in listed}
    assert by_id["K1"]["faults"] == ["缺纸", "读卡器离线"] and by_id["K1"]["faults_en"][0] == "out of paper"
    assert by_id["D1"]["faults"] == ["扬声器故障"]
    assert by_id["C1"]["window"] == 1 and by_id["E1"]["window"] == 1 and by_id["C1"]["faults"] == []
    faulty = [t["id"] for t in listed if t["faults"]]
    assert [t["id"] for t in listed][:len(faulty)] == faulty  # faults first


def test_a_window_whose_counter_stops_beating_shows_offline(quick_offline: HallServer) -> None:
    s = quick_offline
    ok(call_as(s, "counter", "POST", "/windows/1/open", {"clerk": "李娜"}))
    ok(call_as(s, "counter", "POST", "/terminals/register", {"id": "C1", "kind": "counter"}))

    def window1() -> dict[str, Any]:
        (w,) = [w for w in ok(call_as(s, "display", "GET", "/windows")) if w["number"] == 1]
        return w

    assert window1()["counter_online"] is True
    # The counter program dies: no more heartbeats. Within the offline limit the window shows 离线.
    assert wait_until(lambda: window1()["counter_online"] is False, timeout_s=30)
    board = httpx.Client(base_url=s.url, timeout=10)
    board.post(f"{API}/dashboard/login", json={"token": s.tokens["manager"]}).raise_for_status()
    (panel,) = [w for w in board.get(f"{API}/dashboard/overview").json()["windows"] if w["number"] == 1]
    assert panel["counter_online"] is False and panel["status"] == "open"
    (term,) = [t for t in board.get(f"{API}/dashboard/overview").json()["terminals"] if t["id"] == "C1"]
    assert term["faults"] == ["终端离线"]
    # It beats again: online again.
    ok(call_as(s, "counter", "POST", "/terminals/C1/heartbeat", {"devices": []}))
    assert window1()["counter_online"] is True
