"""Accessible mode's keypad logic (issue 14.8), without Qt: focus moves and wraps, Enter presses the
focused control, digits type on an ID keypad page and pick an item elsewhere, volume is clamped,
star repeats, the screen's edges act as keys."""

from __future__ import annotations

from kiosk.flows.keypad import KeypadNavigator, Outcome
from kiosk.i18n import tr


def test_a_page_says_its_prompt_then_the_first_control() -> None:
    nav = KeypadNavigator()
    said = nav.page(["取号", "预约签到", "呼叫帮助"], prompt="请选择业务")
    assert said == "请选择业务 " + tr("zh_CN", "a11y.item", n=1, total=3, label="取号")


def test_arrows_move_and_wrap_and_enter_presses_the_focused_control() -> None:
    nav = KeypadNavigator(lang="en")
    nav.page(["Take a number", "Check in", "Help"])
    assert nav.key("up").say == "Item 3 of 3: Help"
    assert nav.key("down").say == "Item 1 of 3: Take a number"
    assert nav.key("right").say == "Item 2 of 3: Check in"
    assert nav.key("enter") == Outcome(press=1)


def test_digits_pick_an_item_or_type_on_a_keypad_page() -> None:
    nav = KeypadNavigator(lang="en")
    nav.page(["A", "B", "C"])
    assert nav.key("digit:3").say == "Item 3 of 3: C" and nav.index == 2
    assert nav.key("digit:7").say == "Item 3 of 3: C"  # no item 7: focus stays, the citizen hears where
    nav.page(["Delete", "Confirm"], typing=True)
    assert nav.key("digit:0") == Outcome(type_digit="0")
    assert nav.key("backspace") == Outcome(delete=True)
    assert nav.typed(4, digit="1") == "1, 4 digits typed" and nav.typed(3) == "One digit deleted, 3 left"
    assert nav.typed(0) == "Nothing typed yet"


def test_volume_is_clamped_and_star_repeats() -> None:
    nav = KeypadNavigator(lang="en", volume=9)
    assert nav.key("plus") == Outcome(say="Volume 10", volume=10)
    assert nav.key("plus").volume == 10
    for _ in range(12):
        last = nav.key("minus")
    assert last == Outcome(say="Volume 1", volume=1)
    nav.page(["OK"], prompt="Your number is A001")
    assert nav.key("star").say == "Your number is A001 Item 1 of 1: OK"


def test_screen_edges_are_keys_and_an_empty_page_says_so() -> None:
    nav = KeypadNavigator(lang="en")
    assert nav.page([]) == "Nothing to choose on this page"
    assert nav.key("edge_bottom").say == "Nothing to choose on this page"
    nav.page(["A", "B"])
    assert nav.key("edge_right").say == "Item 2 of 2: B"
    assert nav.key("edge_bottom") == Outcome(press=1)
    assert nav.key("edge_top").say == "Item 2 of 2: B"
    assert nav.key("nonsense") == Outcome()


def test_refresh_keeps_the_focus_on_its_label() -> None:
    nav = KeypadNavigator(lang="en")
    nav.page(["A", "B", "C"])
    nav.key("digit:2")
    nav.refresh(["X", "A", "B", "C"])
    assert nav.focused == "B"
