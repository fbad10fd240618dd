"""A company applies at the real kiosk window (issue 16.2) against a real hall server: 企业（单位）办理, the
credit code typed on the code pad, the business licence found by the server fills and locks 企业名称 and
法定代表人, the item's own questions (keypad numbers, choices, a typed premises address) and the answers
the server's own form check accepts. Runs once the demo catalogue has an item companies may apply for."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from hall.forms import validate
from kiosk.flows import form as rules
from kiosk.screens.form_widgets import CodePad, TextEntry
from tests.e2e import kiosk_rig
from tests.e2e.kiosk_rig import KioskRig
from tests.e2e.test_kiosk_flows import _face

kiosk, make_kiosk = kiosk_rig.kiosk, kiosk_rig.make_kiosk  # fixtures

ITEM = "E-004"  # 食品经营许可: persons and companies
DEMO_COMPANY = "91310115MA1H3T6R23"  # in the server's bundled demo licence library


def _visible(rig: KioskRig, kind: type) -> list:
    return [w for w in rig.window.flow.findChildren(kind) if w.isVisibleTo(rig.window)]


def test_a_company_applies_with_its_licence_found_by_credit_code(kiosk: KioskRig) -> None:
    kiosk.tile("submit")
    kiosk.wait_screen("identify")
    kiosk.drivers["id_card"].place_card("resident")
    _face(kiosk)
    kiosk.drivers["id_card"].remove_card()
    for ch in "SPJY":  # 食品经营许可 by its pinyin initials
        kiosk.tap(ch)
    kiosk.wait_screen("catalogue")
    kiosk.tap(next(t for t in kiosk.texts() if t.endswith(ITEM)))
    kiosk.wait_screen("guide")
    kiosk.tap("开始申报")
    kiosk.wait_screen("applicant")
    kiosk.tap("企业（单位）办理")
    kiosk.wait_screen("form")
    assert kiosk.machine.view.data["fields"][0]["key"] == "credit_code"
    for ch in DEMO_COMPANY:
        kiosk.tap(ch)
    pad = _visible(kiosk, CodePad)[0]
    kiosk.tap(pad.ok_btn)
    kiosk.wait_for(lambda: kiosk.screen == "form" and kiosk.machine.view.data.get("company") == "found")
    values = kiosk.machine.view.data["values"]
    assert values["company_name"] and values["legal_representative"]
    assert any("已从营业执照读取" in t for t in kiosk.texts())
    view = kiosk.machine.view
    if not view.data["values"].get("phone"):  # the card holds no mobile number: typed on the keypad
        for ch in "13800138000":
            kiosk.tap(ch)
        kiosk.tap("联系电话")
        kiosk.wait_screen("form")
    kiosk.tap("食品销售")
    kiosk.wait_screen("form")
    for ch in "120":
        kiosk.tap(ch)
    kiosk.tap("经营面积")
    kiosk.wait_screen("form")
    kiosk.tap("否")
    kiosk.wait_screen("form")
    kiosk.tap("大厅窗口领取")
    kiosk.wait_screen("form")
    entries = _visible(kiosk, TextEntry)  # the premises: the only text left once the licence filled the rest
    assert len(entries) == 1 and not _visible(kiosk, QLineEdit)[0].text()
    entries[0].edit.setText("上海市浦东新区示例路 88 号")
    kiosk.tap(entries[0].ok_btn)
    kiosk.wait_screen("form")
    assert kiosk.machine.view.data["messages"] == {}
    kiosk.tap("下一步")
    kiosk.wait_screen("materials")
    flow = kiosk.machine.flow
    answers = rules.submitted(flow.definition, kiosk.controller.machine.ctx.session.form)
    assert answers["applicant_type"] == "legal_person" and answers["credit_code"] == DEMO_COMPANY
    assert validate(flow.definition, answers) == []  # what the server checks the submission against
