"""The form pages on a real (offscreen) kiosk window (issue 16.2): each field type gets its touch input —
the credit code pad offers only the characters GB 32100 uses, the date steppers never make an impossible
date, free text goes through a text box, an ID number's keypad has X — and what the business licence
gave is shown, not offered for typing. Fit on every screen is test_screen_fit.py."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QLineEdit

from config import load_settings
from hall.forms import parse_form
from kiosk.app import build_window
from kiosk.screens.form_widgets import CodePad, DatePicker, TextEntry
from kiosk.screens.widgets import Keypad
from kiosk.screenshot_views import sample_views
from tests.unit.kiosk.fakes import CREDIT_CODE

VIEWS = dict(sample_views())


@pytest.fixture
def window(qtbot: Any, cjk_fonts: Any) -> Any:
    win = build_window(load_settings())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.touches = []
    win.flow.action.connect(lambda action, value: win.touches.append((action, value)))
    return win


def buttons(win: Any, text: str) -> list[QAbstractButton]:
    return [b for b in win.flow.findChildren(QAbstractButton) if b.isVisibleTo(win)
            and (b.text() or b.accessibleName()) == text]


def test_the_credit_code_pad_offers_no_i_o_s_v_z_and_hands_back_the_code(window: Any) -> None:
    window.show_view(VIEWS["form_company_code"])
    pad = window.flow.findChild(CodePad)
    assert pad is not None and pad.value == "91350100M000100Y4"  # correct what was typed, not start over
    keys = {b.text() for b in pad.findChildren(QAbstractButton)}
    assert not keys & set("IOSVZ") and set("0123456789ABCDEFGHJKLMNPQRTUWXY") <= keys
    pad.clear()
    pad.type_text("91350100m000100y4s3")  # an S cannot be typed: it is not in the code's alphabet
    pad.ok_btn.click()
    assert window.touches == [("set_field", ("credit_code", CREDIT_CODE))]


def test_the_date_steppers_start_at_the_answer_and_never_make_an_impossible_date(window: Any) -> None:
    window.show_view(VIEWS["form_date"])
    picker = window.flow.findChild(DatePicker)
    assert picker is not None and picker.display.text() == "2026-11-22"  # 2026-02-30 is no date: today
    picker.step("month", -9)  # February
    assert picker.day.isoformat() == "2026-02-22"
    for _ in range(7):
        picker.step("day", 1)
    assert picker.day.isoformat() == "2026-02-01"  # the day wraps inside the month's 28 days
    picker.step("month", 12)
    picker.ok_btn.click()
    assert window.touches == [("set_field", ("change_date", "2026-02-01"))]


def test_free_text_is_typed_in_a_text_box_and_confirmed(window: Any) -> None:
    window.show_view(VIEWS["form_company_typed"])
    entries = window.flow.findChildren(TextEntry)
    assert len(entries) == 3  # company name, legal representative (no licence found) and the new address
    entries[0].edit.setText("福州示范科技有限公司")
    entries[0].ok_btn.click()
    assert window.touches == [("set_field", ("company_name", "福州示范科技有限公司"))]
    assert any("未查到该企业的营业执照" in lab for lab in _texts(window))


def test_what_the_licence_gave_is_shown_not_typed(window: Any) -> None:
    window.show_view(VIEWS["form_company"])
    texts = _texts(window)
    assert any("福州市鼓楼区示范信息科技有限责任公司" in t and "已从营业执照读取" in t for t in texts)
    assert window.flow.findChildren(QLineEdit) == []  # nothing to type: the name and representative are locked
    assert "企业（单位）信息" in texts


def test_an_id_number_keypad_has_x_and_a_mobile_keypad_has_not(window: Any) -> None:
    from kiosk.flows.base import View
    from kiosk.flows.form import asked, field_row

    form = parse_form({"fields": [{"key": "other_id", "label": "代办人身份证号", "type": "id_number"},
                                  {"key": "phone", "label": "联系电话", "type": "mobile"}]})
    for key, has_x in (("other_id", True), ("phone", False)):
        fields = [field_row(f, {}, ()) for f in asked(form, {})]
        window.show_view(View("form", {"fields": fields, "values": {}, "errors": [], "messages": {},
                                       "editing": key, "applicant": "person", "company": "", "today": "2026-11-22"}))
        pad = next(p for p in window.flow.findChildren(Keypad) if p.isVisibleTo(window))  # not the last page's
        assert pad.max_len == (18 if has_x else 11)
        assert bool(buttons(window, "X")) is has_x


def test_who_applies_is_one_large_choice_each(window: Any) -> None:
    window.show_view(VIEWS["applicant"])
    person = buttons(window, "个人办理\n为本人申请")
    company = buttons(window, "企业（单位）办理\n凭统一社会信用代码为企业（单位）申请")
    assert person and company and min(b.height() for b in person + company) >= 150
    company[0].click()
    assert window.touches == [("applicant", "legal_person")]


def _texts(win: Any) -> list[str]:
    from PySide6.QtWidgets import QLabel

    return [lab.text() for lab in win.flow.findChildren(QLabel) if lab.isVisibleTo(win)]


def test_in_accessible_mode_the_keypad_types_a_credit_codes_digits_and_its_letters_are_focused(
        qtbot: Any, cjk_fonts: Any) -> None:
    from kiosk.screens.accessible import AccessibleKeys, label_of

    win = build_window(load_settings(), accessible=True)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    said: list[str] = []
    keys = AccessibleKeys(win, say=said.append, set_volume=lambda _v: None, panel=lambda: None, prompt=lambda: "")
    try:
        win.show_view(VIEWS["form_company_code"])
        keys.page_shown()
        pad = next(p for p in win.flow.findChildren(CodePad) if p.isVisibleTo(win))
        keys.key("digit:3")
        assert pad.value == "91350100M000100Y43"
        labels = [label_of(b) for b in keys.controls]
        assert "A" in labels and "Y" in labels and "3" not in labels  # letters by focus, digits from the keypad
        win.show_view(VIEWS["form_date"])
        keys.renders += 1
        keys.page_shown()
        assert "年 增加 2026-11-22" in [label_of(b) for b in keys.controls]  # which part, which way, the date
    finally:
        keys.close()
