"""The technician screen against a real hall server: backlog and dead records (kind, number, the
server's error code, never a body), retry of dead records, an encrypted export of them with a
passphrase typed on the keypad, held records; the PIN's lockout, audit and dashboard alert."""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt

from offline_cache.export import read_bundle
from offline_cache.states import Kind, State
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.integration import test_offline_full_disk as full_disk

kiosk, make_kiosk = kiosk_rig.kiosk, kiosk_rig.make_kiosk  # fixtures
tiny_disk = full_disk.tiny_disk  # fixture: a real 1 MB tmpfs


def open_technician(rig: KioskRig) -> Any:
    hot = rig.controller.hotspot
    rig.qtbot.mousePress(hot, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    rig.wait_for(lambda: rig.controller.tech_active, timeout_ms=5000)
    rig.qtbot.mouseRelease(hot, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    for ch in "246810":
        rig.tap(ch)
    rig.tap("确定")
    return rig.controller.tech


def test_dead_records_are_listed_retried_and_exported(kiosk: KioskRig, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALL_EXPORT_PASSPHRASE", raising=False)
    monkeypatch.setenv("HALL_EXPORT_DIR", str(tmp_path / "usb"))
    outbox = kiosk.controller.services.terminal_raw.outbox
    # an offline ticket for a line the hall has since removed: the server refuses it for good
    rec = outbox.add(Kind.TICKET, {"category": "Z", "terminal_id": "K1", "source": "offline",
                                   "issued_at": "2026-11-22T09:00:00+08:00"})
    kiosk.controller.services.terminal_raw.worker.kick()
    kiosk.wait_for(lambda: outbox.get(rec.key).state is State.DEAD, timeout_ms=15000)

    tech = open_technician(kiosk)
    kiosk.wait_for(lambda: "ticket" in tech.dead.text() and "unknown_category" in tech.dead.text())
    assert "backlog: 0" in tech.outbox.text() and "dead: 1" in tech.outbox.text()

    kiosk.tap("导出失败记录")
    assert tech.stack.currentWidget() is tech.pass_page
    for ch in "314159265358":
        kiosk.tap(ch)
    kiosk.tap(tech.pass_pad.ok_btn)
    kiosk.wait_for(lambda: tech.outbox_result.text().startswith("已加密导出 1 条"))
    bundles = list((tmp_path / "usb").glob("dead-K1-*.bundle"))
    assert len(bundles) == 1 and (bundles[0].stat().st_mode & 0o777) == 0o600
    bundle = read_bundle(bundles[0])
    assert [r["meta"]["key"] for r in bundle["records"]] == [rec.key]
    assert b"issued_at" not in bundles[0].read_bytes()  # the body is sealed, only metadata in clear

    kiosk.tap("重试失败记录")
    kiosk.wait_for(lambda: tech.outbox_result.text().startswith("已重新排队 1 条"))
    kiosk.wait_for(lambda: outbox.get(rec.key).state is State.DEAD and outbox.get(rec.key).attempts >= 2,
                   timeout_ms=15000)  # still refused: it stays for the back office

    kiosk.tap("退出维护")
    kiosk.wait_screen("home")
    assert tech.outbox_result.text() == "" and tech.dead.text() == ""
    assert os.environ.get("HALL_EXPORT_PASSPHRASE") is None


def test_a_short_passphrase_exports_nothing(kiosk: KioskRig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALL_EXPORT_PASSPHRASE", raising=False)
    monkeypatch.setenv("HALL_EXPORT_DIR", str(tmp_path / "usb"))
    tech = open_technician(kiosk)
    kiosk.tap("导出失败记录")
    for ch in "1234":
        kiosk.tap(ch)
    kiosk.tap(tech.pass_pad.ok_btn)
    kiosk.wait_for(lambda: tech.outbox_result.text() == "导出密码至少需要12位")
    assert not list((tmp_path / "usb").glob("*.bundle"))


def _enter(rig: KioskRig, pin: str) -> None:
    for ch in pin:
        rig.tap(ch)
    rig.tap("确定")


def _followups(server: Any, kind: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{server.url}/api/v1/followups", params={"kind": kind}, timeout=10,
                  headers={"Authorization": f"Bearer {server.tokens['manager']}"})
    assert r.status_code == 200, r.text
    return list(r.json())


def test_wrong_pins_lock_audit_and_alert_the_dashboard(kiosk: KioskRig, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """Issue 17 item 5: 3 wrong PINs lock for 30 s (the right one is then not checked), closing and
    reopening the screen keeps the lock (it is on disk), each attempt is in the kiosk's audit log
    without the digits and reaches the dashboard as a technician_pin follow-up; the window keeps its size."""
    before = _followups(kiosk.hall, "technician_pin")
    size = kiosk.window.size()
    caplog.set_level(logging.INFO, logger="kiosk.audit.technician")
    hot = kiosk.controller.hotspot
    kiosk.qtbot.mousePress(hot, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    kiosk.wait_for(lambda: kiosk.controller.tech_active, timeout_ms=5000)
    kiosk.qtbot.mouseRelease(hot, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    tech = kiosk.controller.tech
    for pin in ("1111", "2222"):
        _enter(kiosk, pin)
        assert tech.title.text() == "密码错误，请重试"
    _enter(kiosk, "3333")
    assert tech.title.text() == "错误次数过多，请 30 秒 后再试"
    _enter(kiosk, "246810")  # the right PIN, but locked: not even checked
    assert tech.stack.currentWidget() is tech.pin_page and "错误次数过多" in tech.title.text()
    _enter(kiosk, "4444")  # typed while locked again: logged, but one alert per lock
    assert kiosk.window.size() == size

    state = json.loads((tmp_path / "technician-lock.json").read_text())
    assert state["misses"] == 3 and state["locked_until"] > time.time() + 20
    kiosk.tap("退出维护")
    kiosk.wait_screen("home")
    kiosk.controller.open_technician()  # closing the screen does not reset the lock
    assert "错误次数过多" in tech.title.text()

    audit = [r.getMessage() for r in caplog.records if r.name == "kiosk.audit.technician"]
    assert [m.split(":")[1].split(",")[0].strip() for m in audit] == ["wrong", "wrong", "wrong", "locked", "locked"]
    assert not any(p in m for m in audit for p in ("1111", "2222", "3333", "4444", "246810"))
    kiosk.wait_for(lambda: len(_followups(kiosk.hall, "technician_pin")) - len(before) == 4, timeout_ms=15000)
    new = _followups(kiosk.hall, "technician_pin")[: 4]
    assert {f["terminal_id"] for f in new} == {"K1"} and all("246810" not in f["message"] for f in new)

    # the lock runs out (as after 30 s): the right PIN opens the panel and clears the count
    (tmp_path / "technician-lock.json").write_text(json.dumps({**state, "locked_until": time.time() - 1}))
    _enter(kiosk, "246810")
    assert tech.stack.currentWidget() is tech.panel
    assert json.loads((tmp_path / "technician-lock.json").read_text())["misses"] == 0
    assert kiosk.window.size() == size
    assert len(_followups(kiosk.hall, "technician_pin")) - len(before) == 4


def test_held_offline_numbers_show_on_the_panel(kiosk: KioskRig) -> None:
    """A record the server refused with 409 ticket.offline_number_taken (kept pending, never dead) is
    listed for the technician with its printed number and the code, as in `cache status`."""
    outbox = kiosk.controller.services.terminal_raw.outbox
    number = f"{outbox.prefix}-A957"
    body = {"category": "A", "terminal_id": "K1", "source": "offline", "offline_number": number,
            "issued_at": (datetime.now(UTC) - timedelta(minutes=3)).isoformat()}
    first = httpx.post(f"{kiosk.hall.url}/api/v1/tickets", json=body, timeout=10,
                       headers={"Authorization": f"Bearer {kiosk.hall.tokens['terminal']}",
                                "Idempotency-Key": "a-lost-outbox-957"})
    assert first.status_code == 201, first.text
    rec = outbox.add(Kind.TICKET, body)
    kiosk.controller.services.terminal_raw.worker.kick()
    kiosk.wait_for(lambda: outbox.get(rec.key).last_error == "ticket.offline_number_taken", timeout_ms=15000)
    assert outbox.get(rec.key).state is State.PENDING

    tech = open_technician(kiosk)
    shown = outbox.get(rec.key).local_ref or rec.key[:8]  # the printed number, else the record's key
    kiosk.wait_for(lambda: shown in tech.held.text())
    assert tech.held.text().startswith("待人工处理（离线号已被占用）：1 条")
    assert "ticket.offline_number_taken" in tech.held.text() and tech.disk.text() == ""
    kiosk.tap("退出维护")
    kiosk.wait_screen("home")
    assert tech.held.text() == ""


def test_a_full_disk_shows_on_the_panel_and_the_pin_still_works(make_kiosk: Any, hall_server_shared: Any,
                                                                  tiny_disk: Path) -> None:
    """The outbox on a real 1 MB tmpfs filled to the last block: a ticket goes straight to the server,
    the technician screen names cache.disk_full, and the PIN (whose lock file cannot be written) opens it."""
    rig = make_kiosk(hall_server_shared, **{"cache.db_path": f'"{tiny_disk / "outbox.db"}"',
                                            "cache.attachments_dir": f'"{tiny_disk / "files"}"',
                                            "cache.key_file": f'"{tiny_disk / "outbox.key"}"',
                                            "cache.reserve_kb": "128", "cache.min_free_mb": "0"})
    terminal = rig.controller.services.terminal_raw
    rig.wait_for(lambda: bool(terminal.is_online), timeout_ms=15000)
    full_disk._fill(tiny_disk)
    ticket = terminal.issue_ticket("A")
    assert not ticket.offline and terminal.storage_fault == "cache.disk_full"
    tech = open_technician(rig)
    rig.wait_for(lambda: "cache.disk_full" in tech.disk.text())
    assert tech.stack.currentWidget() is tech.panel and tech.disk.text().startswith("磁盘已满")
