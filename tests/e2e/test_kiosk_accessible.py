"""Accessible mode (无障碍, issue 14.8) end to end: a whole 取号 session driven by the numeric keypad
only — arrows, Enter, digits, +/- and * — on the real Qt screens, with the device twins (the espeak
voice writes every announcement as a WAV) and a real hall server; the test checks what was spoken."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kiosk.i18n import tr
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.rigs.hall_server import HallServer

make_kiosk = kiosk_rig.make_kiosk  # fixture

ID_NUMBER = "110101199003071233"
ACCESSIBLE = {"kiosk.accessible_mode": "true"}


def press(rig: KioskRig, key: Qt.Key) -> None:
    rig.qtbot.keyClick(rig.window, key)


def said(rig: KioskRig) -> list[str]:
    return list(rig.controller.services.voice.said)


def heard(rig: KioskRig, text: str) -> None:
    """Wait until ``text`` (an announcement or part of one: a page says its prompt, then its first
    control) went to the voice device."""
    try:
        rig.wait_for(lambda: any(text in s for s in said(rig)))
    except Exception:
        print("SAID", said(rig))
        raise


def choose(rig: KioskRig, label: str) -> None:
    """Down arrow until the focused control is ``label`` (each focus is spoken), then Enter."""
    nav = rig.controller.access.nav
    for _ in range(len(nav.labels) + 1):
        if nav.focused.startswith(label):
            break
        press(rig, Qt.Key.Key_Down)
    assert nav.focused.startswith(label), (label, nav.labels)
    item = tr("zh_CN", "a11y.item", n=nav.index + 1, total=len(nav.labels), label=nav.focused)
    heard(rig, item)
    press(rig, Qt.Key.Key_Enter)


def test_a_whole_take_a_number_session_by_keypad_only(make_kiosk: Any, hall_server_shared: HallServer) -> None:
    rig = make_kiosk(hall_server_shared, **ACCESSIBLE)
    voice = rig.drivers["voice"]
    heard(rig, tr("zh_CN", "a11y.intro"))  # home says how the keys work
    for _ in range(3):
        press(rig, Qt.Key.Key_Minus)
    heard(rig, tr("zh_CN", "a11y.volume", level=7))
    choose(rig, "取号")
    rig.wait_screen("categories")
    heard(rig, tr("zh_CN", "categories.prompt"))
    choose(rig, "A 社会保险")
    rig.wait_screen("identify")
    heard(rig, tr("zh_CN", "identify.prompt.priority"))
    choose(rig, tr("zh_CN", "action.manual"))
    rig.wait_for(lambda: rig.controller.access.nav.typing)
    for digit in ID_NUMBER:
        press(rig, getattr(Qt.Key, f"Key_{digit}"))
    heard(rig, tr("zh_CN", "a11y.typed", digit="3", count=18))
    assert not any(ID_NUMBER in s for s in said(rig))  # digits one by one, never the whole number aloud
    choose(rig, tr("zh_CN", "action.keypad_submit"))
    rig.wait_screen("ticket")
    number = rig.machine.view.data["number"]
    heard(rig, "您的号码是")
    ticket_said = next(s for s in said(rig) if s.startswith("您的号码是"))
    assert [c for c in ticket_said if c.isalnum()][-len(number):] != [] and number[0] in ticket_said
    press(rig, Qt.Key.Key_Asterisk)  # repeat: the number again, then the focused control
    rig.wait_for(lambda: said(rig).count(ticket_said) >= 1 and said(rig)[-1].startswith(ticket_said))
    rig.wait_for(lambda: any(a.text.startswith("您的号码是") for a in voice.history), timeout_ms=90000)
    spoken = next(a for a in voice.history if a.text.startswith("您的号码是"))
    assert spoken.volume == 7 and spoken.file.endswith(".wav")
    job = rig.drivers["printer"].device.last_job()
    assert job is not None and number.encode() in job.data
    choose(rig, tr("zh_CN", "action.done"))
    rig.wait_screen("home")


def test_the_screen_edges_move_the_focus_and_press(make_kiosk: Any, hall_server_shared: HallServer) -> None:
    rig = make_kiosk(hall_server_shared, **ACCESSIBLE)
    access = rig.controller.access
    first = access.nav.focused
    rig.qtbot.mouseClick(access.edges["edge_right"], Qt.MouseButton.LeftButton)
    assert access.nav.index == 1
    rig.qtbot.mouseClick(access.edges["edge_left"], Qt.MouseButton.LeftButton)
    assert access.nav.focused == first and first.startswith("取号")
    tile = access.controls[0]
    assert access.ring.isVisible() and access.ring.geometry().contains(tile.mapTo(rig.window, tile.rect().center()))
    rig.qtbot.mouseClick(access.edges["edge_bottom"], Qt.MouseButton.LeftButton)
    rig.wait_screen("categories")


def test_help_is_announced_over_the_page_and_closes_back_to_it(make_kiosk: Any,
                                                               hall_server_shared: HallServer) -> None:
    rig = make_kiosk(hall_server_shared, **ACCESSIBLE)
    choose(rig, "取号")
    rig.wait_screen("categories")
    choose(rig, tr("zh_CN", "action.help"))
    answers = (tr("zh_CN", "help.called"), tr("zh_CN", "help.queued"))
    try:
        rig.wait_for(lambda: any(s.startswith(answers) for s in said(rig)))  # the panel's message, once settled
    except Exception:
        print("SAID", said(rig), rig.machine.help_state, rig.controller.modal.isVisible())
        raise
    back = tr("zh_CN", "action.back_to_screen")
    heard(rig, back)  # its button is the focus
    choose(rig, back)
    rig.wait_for(lambda: not rig.controller.modal.isVisible())
    assert rig.screen == "categories"


def test_keys_are_the_technicians_while_the_technician_screen_is_open(make_kiosk: Any,
                                                                     hall_server_shared: HallServer) -> None:
    rig = make_kiosk(hall_server_shared, **ACCESSIBLE)
    access = rig.controller.access
    rig.controller.open_technician()
    rig.wait_for(lambda: rig.controller.tech_active)
    before, index = len(said(rig)), access.nav.index
    press(rig, Qt.Key.Key_Down)
    press(rig, Qt.Key.Key_Enter)
    assert access.nav.index == index and len(said(rig)) == before and not access.ring.isVisible()
    assert not any(edge.isVisible() for edge in access.edges.values())
    intro = tr("zh_CN", "a11y.intro")
    intros = sum(intro in s for s in said(rig))
    rig.controller.close_technician()
    rig.wait_for(lambda: access.ring.isVisible() and sum(intro in s for s in said(rig)) > intros)  # home again
