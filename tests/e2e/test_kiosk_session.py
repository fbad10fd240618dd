"""Session rules through the real screens: idle wipe, card pulled, keypad, elderly mode, language,
help call and the technician screen — with device twins and a real hall server process."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from devices.twins.id_card.identities import IDENTITIES
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.rigs.hall_server import HallServer
from tests.rigs.waiting import qt_pass_time

kiosk, make_kiosk = kiosk_rig.kiosk, kiosk_rig.make_kiosk  # fixtures
RESIDENT = IDENTITIES["resident"].fields


def all_texts(rig: KioskRig) -> list[str]:
    """Every text any widget of the window still holds, visible or not."""
    w = rig.window
    return [x.text() for x in w.findChildren(QLabel) + w.findChildren(QAbstractButton) if x.text()]


def to_face(rig: KioskRig) -> None:
    rig.tile("submit")
    rig.wait_screen("identify")
    rig.drivers["id_card"].place_card("resident")
    rig.wait_screen("face")


def test_idle_countdown_then_home_wipes_everything_personal(kiosk: KioskRig) -> None:
    to_face(kiosk)
    session = kiosk.machine.ctx.session
    assert session.identity is not None and session.identity.id_number == RESIDENT["id_number"]
    kiosk.machine.idle.last_touch -= 65  # a minute without a touch
    kiosk.controller.tick()
    assert kiosk.controller.idle_overlay.isVisible()
    assert any("秒后将返回首页" in t for t in all_texts(kiosk))
    kiosk.machine.idle.last_touch -= 10
    kiosk.controller.tick()
    # wiped at once; the ID card left on the reader is asked back, on screen and aloud (14.4)
    kiosk.wait_for(lambda: kiosk.machine.view.data.get("key") == "session.take_card")
    assert session.is_empty() and kiosk.machine.flow is None and "请取回您的证件" in kiosk.texts()
    kiosk.drivers["id_card"].remove_card()
    kiosk.wait_screen("home")
    assert kiosk.window.flow.page_widget is None
    leftovers = [t for t in all_texts(kiosk) if RESIDENT["name"] in t or RESIDENT["id_number"][-4:] in t]
    assert leftovers == []


def test_a_touch_on_the_countdown_continues_the_visit(kiosk: KioskRig) -> None:
    to_face(kiosk)
    kiosk.machine.idle.last_touch -= 62
    kiosk.controller.tick()
    kiosk.qtbot.mouseClick(kiosk.controller.idle_overlay.button, Qt.MouseButton.LeftButton)
    kiosk.controller.tick()
    assert not kiosk.controller.idle_overlay.isVisible()
    assert kiosk.screen == "face" and kiosk.machine.ctx.session.identity is not None


def test_keypad_entry_enforces_the_check_digit(kiosk: KioskRig) -> None:
    kiosk.tile("checkin")  # a typed number serves taking a number and checking in only (identity rules)
    kiosk.wait_screen("identify")
    kiosk.tap("手动输入身份证号")
    kiosk.wait_screen("keypad")
    good = RESIDENT["id_number"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    for ch in bad:
        kiosk.tap(ch)
    kiosk.tap("确定")
    kiosk.wait_screen("keypad")
    assert any("校验码" in t for t in kiosk.texts())
    for ch in good:
        kiosk.tap(ch)
    # the citizen sees the digits typed, in groups of four (14.5); no later screen shows them
    assert " ".join(good[i:i + 4] for i in range(0, len(good), 4)) in kiosk.texts()
    kiosk.tap("确定")
    kiosk.wait_for(lambda: kiosk.screen in ("ticket", "checkin_refused", "message")
                   and kiosk.controller.runner.pending == 0)


def test_pulling_the_social_security_card_ends_the_session(make_kiosk: Any, hall_server_shared: HallServer,
                                                          pcsc_virtual_reader: Any, tmp_path: Any) -> None:
    from devices.ss_card.pcsc_driver import PcscSocialSecurityReader

    drivers = kiosk_rig.twins(tmp_path)
    drivers["ss_card"] = PcscSocialSecurityReader(reader=pcsc_virtual_reader.reader_name, poll_interval_s=0.1)
    rig = make_kiosk(hall_server_shared, drivers=drivers)
    rig.tile("submit")
    rig.wait_screen("identify")
    pcsc_virtual_reader.insert()
    rig.wait_screen("face", timeout_ms=15000)
    assert rig.machine.ctx.session.identity.source == "ss_card"
    pcsc_virtual_reader.remove()
    rig.wait_screen("home", timeout_ms=15000)
    assert rig.machine.last_home_reason == "card_removed" and rig.machine.ctx.session.is_empty()


def test_elderly_mode_speaks_through_the_voice_device_and_enlarges_text(kiosk: KioskRig) -> None:
    small = kiosk.window.home.tiles["checkin"].title.fontInfo().pixelSize()
    kiosk.tap(kiosk.window.top.btn_elderly)
    assert kiosk.window.home.tiles["checkin"].title.fontInfo().pixelSize() >= 1.5 * small - 1
    kiosk.tile("take_number")
    kiosk.wait_screen("categories")
    voice = kiosk.controller.services.voice
    kiosk.wait_for(lambda: "请选择要办理的业务类别" in voice.said)
    wav_dir = kiosk.drivers["voice"]._output_dir
    kiosk.wait_for(lambda: any(wav_dir.glob("*.wav")))
    assert kiosk.machine.idle.timeout_s >= 120
    assert kiosk.window.flow.help_btn.height() >= 90  # the big help button


def test_english_everywhere_after_switching(kiosk: KioskRig) -> None:
    kiosk.tap(kiosk.window.top.btn_en)
    kiosk.tile("take_number")
    kiosk.wait_screen("categories")
    texts = kiosk.texts()
    assert "Choose a service" in texts and any(t.startswith("A  Social insurance") for t in texts)
    assert [t for t in texts if re.search(r"[\u4e00-\u9fff]", t)] == []


def test_the_next_citizen_starts_in_chinese_after_an_english_visit(kiosk: KioskRig) -> None:
    """14.7: 返回首页 ends the visit, and the hall's language comes back with the home screen."""
    kiosk.tap(kiosk.window.top.btn_en)
    kiosk.tile("take_number")
    kiosk.wait_screen("categories")
    kiosk.tap("Home")
    kiosk.wait_screen("home")
    assert kiosk.window.ui.lang == "zh_CN" and kiosk.window.top.btn_zh.isChecked()
    assert kiosk.window.home.tiles["take_number"].title.text() == "取号"


def test_call_for_help_from_any_screen(kiosk: KioskRig) -> None:
    kiosk.tile("take_number")
    kiosk.wait_screen("categories")
    page = kiosk.window.flow.page_widget
    kiosk.tap("呼叫帮助")
    # over the screen, which stays as it was underneath (14.4)
    kiosk.wait_for(lambda: kiosk.controller.modal.isVisible()
                   and kiosk.machine.help_state in ("called", "queued", "failed"))
    assert kiosk.machine.view.screen == "categories" and kiosk.window.flow.page_widget is page
    kiosk.tap("返回刚才的页面")
    kiosk.wait_for(lambda: not kiosk.controller.modal.isVisible())
    assert kiosk.window.flow.page_widget is page
    outbox = kiosk.controller.services.terminal_raw.outbox
    assert any(r.kind == "help_call" for r in outbox.records())


def test_technician_screen_needs_the_long_press_and_pin_and_leaves_nothing(kiosk: KioskRig) -> None:
    hot = kiosk.controller.hotspot
    kiosk.qtbot.mousePress(hot, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qt_pass_time(kiosk.qtbot, 500, reason="a short touch lasts half a second")
    kiosk.qtbot.mouseRelease(hot, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert not kiosk.controller.tech_active  # a short touch is nothing
    kiosk.qtbot.mousePress(hot, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    kiosk.wait_for(lambda: kiosk.controller.tech_active, timeout_ms=5000)
    kiosk.qtbot.mouseRelease(hot, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    for ch in "246810":
        kiosk.tap(ch)
    kiosk.tap("确定")
    tech = kiosk.controller.tech
    assert tech.stack.currentWidget() is tech.panel
    kiosk.wait_for(lambda: "ok" in tech.status_labels["printer"].text())
    kiosk.tap("打印测试页")
    kiosk.wait_for(lambda: "printed" in tech.results["printer"].text())
    kiosk.tap(tech.test_buttons["id_card"])
    kiosk.drivers["id_card"].place_card("resident")
    kiosk.wait_for(lambda: "ok" in tech.results["id_card"].text(), timeout_ms=15000)
    assert RESIDENT["id_number"] not in tech.results["id_card"].text()
    assert RESIDENT["id_number"][-4:] in tech.results["id_card"].text()
    kiosk.tap("退出维护")
    kiosk.wait_screen("home")
    assert not kiosk.controller.tech_active
    assert all(r.text() == "" for r in tech.results.values())


def test_the_attract_loop_runs_when_idle_and_a_touch_ends_it(kiosk: KioskRig) -> None:
    from kiosk.controller import ATTRACT_AFTER_S

    attract = kiosk.controller.attract
    kiosk.controller._last_touch -= ATTRACT_AFTER_S + 1  # nobody has touched the kiosk for a while
    kiosk.controller.tick()
    assert attract.isVisible() and attract.big.text() == "欢迎来到示范区政务服务中心"
    first = attract.big.text()
    attract._timer.timeout.emit()  # the next line of the loop (every 5 s)
    assert attract.big.text() != first and attract.big.text() == "取号"
    kiosk.qtbot.mouseClick(attract, Qt.MouseButton.LeftButton)
    assert not attract.isVisible()
    kiosk.tile("take_number")
    kiosk.wait_screen("categories")


def test_a_card_on_the_reader_ends_the_attract_loop(kiosk: KioskRig) -> None:
    from kiosk.controller import ATTRACT_AFTER_S

    kiosk.controller._last_touch -= ATTRACT_AFTER_S + 1
    kiosk.controller.tick()
    assert kiosk.controller.attract.isVisible()
    kiosk.drivers["id_card"].place_card("resident")
    kiosk.wait_for(lambda: not kiosk.controller.attract.isVisible())
