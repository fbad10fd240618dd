"""The technician screen's outbox panel against a real hall server: backlog and dead records (kind,
number, the server's error code, never a body), retry of dead records, and an encrypted export
of them with a passphrase typed on the keypad."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from offline_cache.export import read_bundle
from offline_cache.states import Kind, State
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig

kiosk, make_kiosk = kiosk_rig.kiosk, kiosk_rig.make_kiosk  # fixtures


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
