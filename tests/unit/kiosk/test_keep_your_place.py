"""Help and leaving keep your place (issue 14.4): 呼叫帮助 over the screen, 返回首页 asks when work would
be lost, a ticket stays until 完成, a card left in a reader is asked back, the number is read aloud,
a granted priority is shown and printed. Flows walked without Qt, then the overlay in the real window."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from config import load_settings
from kiosk.app import build_window
from tests.rigs.waiting import qt_wait_until
from tests.unit.kiosk.fakes import ELDER_ID, ss_card
from tests.unit.kiosk.test_flows import Kiosk, _to_materials


def test_leaving_with_work_in_progress_asks_first() -> None:
    k = Kiosk()
    _to_materials(k)
    before = k.view
    k.tap("home")
    assert k.m.overlay == "confirm_home" and k.view is before and k.ctx.session.form
    k.tap("keep_working")
    assert k.m.overlay == "" and k.view is before and k.ctx.session.form
    k.tap("home")
    k.tap("leave")
    assert k.ctx.session.is_empty() and k.m.overlay == ""
    assert k.view.data["key"] == "session.take_card"  # the ID card is still on the reader
    k.event("id_card", "card_removed")
    assert k.view.screen == "home"


def test_leaving_with_nothing_to_lose_goes_straight_home() -> None:
    k = Kiosk()
    assert k.tile("take_number").screen == "categories"
    k.tap("home")
    assert k.view.screen == "home" and k.m.overlay == ""


def test_help_from_the_home_screen_opens_over_it() -> None:
    k = Kiosk()
    v = k.tile("help")
    assert v.screen == "home" and k.m.overlay == "help" and k.m.help_state == "called"
    k.tap("close_help")
    assert k.m.overlay == "" and k.view.screen == "home"


def test_a_ticket_on_screen_stays_when_the_card_is_pulled_and_the_card_is_asked_back() -> None:
    k = Kiosk()
    k.ctx.printer.paper_out = True  # the ticket exists only on screen
    k.tile("take_number")
    k.tap("category", "A")
    v = k.event("ss_card", "card_placed", ss_card())
    assert v.screen == "ticket" and not v.data["printed"]
    k.event("ss_card", "card_removed")
    assert k.view is v  # still there, until 完成
    k.tap("done")
    assert k.view.screen == "home"


def test_a_card_still_in_at_the_end_is_asked_back_on_screen_and_aloud_in_any_mode() -> None:
    k = Kiosk()
    k.tile("take_number")
    k.tap("category", "A")
    k.event("ss_card", "card_placed", ss_card())
    k.tap("done")
    assert k.view.data["key"] == "session.take_card" and k.m.spoken == ["请取回您的证件"]
    assert k.ctx.session.is_empty()
    k.event("ss_card", "card_removed")
    assert k.view.screen == "home"


def test_the_elderly_voice_reads_the_number_and_the_granted_priority_is_shown_and_printed() -> None:
    k = Kiosk()
    k.m.set_elderly(True)
    k.tile("take_number")
    k.tap("category", "A")
    k.m.spoken.clear()
    v = k.event("ss_card", "card_placed", ss_card(ELDER_ID))
    assert v.screen == "ticket" and v.data["priority"] == "elderly"
    assert any("您的号码是 A001" in said for said in k.m.spoken)  # the voice spells it: A 零 零 一
    assert "长者优先".encode("gb18030") in k.ctx.printer.printed[0]


def test_offline_shows_no_wait_and_says_why() -> None:
    k = Kiosk()
    k.ctx.terminal.online = False
    v = k.tile("take_number")
    assert v.data["notice"] == "categories.offline" and all(c["offline"] for c in v.data["categories"])
    v = k.tap("category", "B")
    v = k.tap("skip")
    assert v.screen == "ticket" and v.data["offline"]
    printed = k.ctx.printer.printed[0]
    assert "暂无排队人数和等候时间".encode("gb18030") in printed and "前面等待".encode("gb18030") not in printed


def test_the_help_overlay_keeps_the_page_widget_underneath(qtbot: Any, cjk_fonts: Any) -> None:
    """In the real window: the page under 呼叫帮助 is the same widget before and after (a half-typed
    keypad, a face preview survive), and the overlay says staff were called."""
    from hall.qtkit.bridge import DeviceHub
    from hall.qtkit.ops import Runner
    from kiosk.controller import KioskController

    k = Kiosk()
    win = build_window(load_settings())
    qtbot.addWidget(win)
    win.show()
    controller = KioskController(win, k.m, runner=Runner(workers=1, name="test-kiosk"), hub=DeviceHub())
    try:
        controller.choose("take_number")
        qt_wait_until(qtbot, lambda: k.view.screen == "categories" and win.flow.page_widget is not None)
        page = win.flow.page_widget
        controller.act("help", None)
        qt_wait_until(qtbot, lambda: controller.modal.isVisible() and controller.modal.shown_key == "help.called")
        assert win.flow.page_widget is page
        controller.act("close_help", None)
        QApplication.processEvents()
        assert not controller.modal.isVisible() and win.flow.page_widget is page
    finally:
        controller.close()
