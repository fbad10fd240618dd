"""Forms a citizen can trust (issue 14.5): each field checked with its message, the address when the
result goes by post, the review lists every field with 修改, a notice printed mid-way keeps the form."""

from __future__ import annotations

from hall.forms import STANDARD_FORM, check, shown
from kiosk.flows import form
from tests.unit.kiosk.fakes import id_card
from tests.unit.kiosk.test_flows import Kiosk, _to_materials

FIELDS = {f.key: f for f in STANDARD_FORM.fields}


def test_a_mobile_number_is_1_then_3_to_9_then_nine_digits() -> None:
    for bad in ("123", "12800138000", "1380013800", "138001380001", "23800138000"):
        assert check(FIELDS["phone"], {"phone": bad}) == "form.error.phone", bad
    for good in ("13800138000", "19912345678", "15000000000"):
        assert check(FIELDS["phone"], {"phone": good}) == ""
    assert check(FIELDS["phone"], {}) == "form.required"


def test_the_address_is_asked_only_when_the_result_goes_by_post() -> None:
    assert not shown(FIELDS["address"], {"delivery": "hall"})
    assert check(FIELDS["address"], {"delivery": "hall"}) == ""
    assert check(FIELDS["address"], {"delivery": "mail"}) == "form.error.address_missing"
    assert check(FIELDS["address"], {"delivery": "mail", "address": "广东省广州市天河区天河路385号"}) == ""
    values = {"phone": "123", "delivery": "mail"}
    assert form.errors(STANDARD_FORM, values) == {"phone": "form.error.phone", "address": "form.error.address_missing"}


def test_review_rows_show_choices_in_words_and_lock_what_the_card_gave() -> None:
    rows = form.review_rows(STANDARD_FORM, {"name": "欧阳娜娜", "phone": "13800138000", "delivery": "mail",
                                            "address": "天河路385号"}, locked={"name", "id"})
    by_key = {r["key"]: r for r in rows}
    assert [r["key"] for r in rows] == ["name", "phone", "delivery", "address"]
    assert by_key["delivery"]["value_zh"] == "免费邮寄" and by_key["delivery"]["value_en"] == "Free delivery by post"
    assert not by_key["name"]["editable"] and by_key["phone"]["editable"]


def test_the_message_is_next_to_the_field_and_the_typed_number_stays() -> None:
    k = Kiosk()
    k.tile("submit")
    k.event("id_card", "card_placed", id_card())
    k.tap("face_ok", b"\xff\xd8face\xff\xd9")
    k.tap("item", "SB-001")
    k.tap("start_form")
    v = k.tap("set_field", ("phone", "123"))
    assert v.data["messages"] == {"phone": "form.error.phone"} and v.data["values"]["phone"] == "123"
    v = k.tap("form_next")
    assert v.screen == "form" and v.data["messages"]["phone"] == "form.error.phone"
    v = k.tap("set_field", ("phone", "13800138000"))
    assert "phone" not in v.data["messages"]


def test_review_lists_every_field_and_changing_one_comes_back_to_the_review() -> None:
    k = Kiosk()
    _to_materials(k)
    k.tap("materials_next")
    k.tap("commit")
    v = k.tap("signed", b"\x89PNGsig")
    assert v.screen == "review"
    assert {f["key"] for f in v.data["fields"]} >= {"name", "phone", "delivery"}
    v = k.tap("edit_field", "phone")
    assert v.screen == "form" and v.data["editing"] == "phone"
    v = k.tap("set_field", ("phone", "13912345678"))
    assert v.data["editing"] == ""
    v = k.tap("form_next")
    assert v.screen == "review"
    assert next(f for f in v.data["fields"] if f["key"] == "phone")["value_zh"] == "13912345678"
    assert k.tap("edit_materials").screen == "materials"
