"""Each item's own form on the kiosk (issue 16.2): who applies, a company's block first with its credit code
checked at once and its name and legal representative from the business licence, conditional fields,
dates, a person-only item that never asks, and a definition the kiosk cannot read that sends the citizen
to a counter instead of crashing. The flows are real; the hall and terminal are the in-memory fakes."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from hall.forms import validate
from kiosk.adapters.hall import HallAdapter, item_form
from kiosk.flows.base import View
from kiosk.flows.ports import Unavailable
from tests.unit.kiosk.fakes import COMPANY_FORM, CREDIT_CODE, YOUNG_ID, id_card
from tests.unit.kiosk.test_flows import Kiosk


def to_form(k: Kiosk, code: str) -> View:
    k.tile("submit")
    k.event("id_card", "card_placed", id_card())
    k.tap("face_ok", b"\xff\xd8face\xff\xd9")
    k.tap("item", code)
    return k.tap("start_form")


def keys(v: View) -> list[str]:
    return [f["key"] for f in v.data["fields"]]


def test_an_item_for_persons_and_companies_asks_who_applies_first() -> None:
    k = Kiosk()
    v = to_form(k, "QY-004")
    assert v.screen == "applicant" and v.data["choices"] == ["person", "legal_person"]
    v = k.tap("applicant", "person")
    assert v.screen == "form" and keys(v) == ["phone", "kind", "change_date"]  # no company block, no staff count
    assert k.ctx.session.form["applicant_type"] == "person"


def test_a_company_answers_its_block_first_and_the_licence_fills_and_locks_name_and_representative() -> None:
    k = Kiosk()
    to_form(k, "QY-004")
    v = k.tap("applicant", "legal_person")
    assert keys(v)[:3] == ["credit_code", "company_name", "legal_representative"] and "staff" in keys(v)
    assert v.data["fields"][0]["input"] == "code" and all(f["company"] for f in v.data["fields"][:3])
    assert not next(f for f in v.data["fields"] if f["key"] == "staff")["company"]  # the item's own question
    v = k.tap("set_field", ("credit_code", "91350100M000100Y44"))  # the check character is wrong
    assert v.data["messages"] == {"credit_code": "form.error.credit_code"} and k.ctx.hall.asked_companies == []
    v = k.tap("set_field", ("credit_code", CREDIT_CODE.lower()))  # typed in capitals whatever the pad sends
    assert k.ctx.hall.asked_companies == [CREDIT_CODE] and v.data["company"] == "found"
    assert v.data["values"]["company_name"] == "福州示范科技有限公司"
    assert v.data["values"]["legal_representative"] == "林小华"
    locked = {f["key"] for f in v.data["fields"] if f["locked"]}
    assert locked == {"company_name", "legal_representative"}
    k.tap("set_field", ("company_name", "别的公司"))  # what the licence says is not typed over
    assert k.ctx.session.form["company_name"] == "福州示范科技有限公司"


def test_a_company_without_a_licence_types_its_name_and_the_application_passes_the_servers_checks() -> None:
    k = Kiosk()
    k.ctx.hall.companies.clear()
    to_form(k, "QY-004")
    k.tap("applicant", "legal_person")
    v = k.tap("set_field", ("credit_code", CREDIT_CODE))
    assert v.data["company"] == "not_found" and not any(f["locked"] for f in v.data["fields"])
    for key, value in (("company_name", "福州示范科技有限公司"), ("legal_representative", "林小华"),
                       ("phone", "13800138000"), ("kind", "address"), ("change_date", "2026-12-01"), ("staff", "12")):
        v = k.tap("set_field", (key, value))
        assert v.data["messages"] == {}, key
    assert "new_address" in keys(v)  # asked because the address changes
    v = k.tap("form_next")
    assert v.screen == "form" and v.data["messages"] == {"new_address": "form.required"}
    k.tap("set_field", ("new_address", "福州市鼓楼区五四路 100 号"))
    assert k.tap("form_next").screen == "materials"
    sub = _submit(k)
    assert sub.form["applicant_type"] == "legal_person" and sub.form["credit_code"] == CREDIT_CODE
    assert validate(COMPANY_FORM, sub.form) == []  # exactly what the server will accept


def test_the_review_shows_the_applicant_type_then_the_company_block() -> None:
    k = Kiosk()
    to_form(k, "QY-004")
    k.tap("applicant", "legal_person")
    for key, value in (("credit_code", CREDIT_CODE), ("phone", "13800138000"), ("kind", "name"),
                       ("change_date", "2026-12-01"), ("staff", "12")):
        k.tap("set_field", (key, value))
    k.tap("form_next")
    v = _review(k)
    rows = v.data["fields"]
    assert rows[0]["key"] == "applicant_type" and rows[0]["value_zh"] == "企业（单位）办理" and rows[0]["editable"]
    assert [r["key"] for r in rows[1:4]] == ["credit_code", "company_name", "legal_representative"]
    assert all(r["company"] for r in rows[1:4]) and not rows[2]["editable"]  # from the licence
    assert "new_address" not in [r["key"] for r in rows]  # only when the address changes
    v = k.tap("edit_field", "applicant_type")
    assert v.screen == "applicant"
    v = k.tap("applicant", "person")  # the company's answers go with the choice
    assert "credit_code" not in k.ctx.session.form and "staff" not in k.ctx.session.form
    assert k.tap("form_next").screen == "review"


def test_the_licence_service_down_leaves_the_fields_to_type_and_never_crashes() -> None:
    k = Kiosk()
    to_form(k, "QY-004")
    k.tap("applicant", "legal_person")
    k.ctx.hall.online = False
    v = k.tap("set_field", ("credit_code", CREDIT_CODE))
    assert v.screen == "form" and v.data["company"] == "unavailable"
    assert v.data["values"]["company_name"] == ""
    assert k.tap("counter_ticket").screen == "categories"  # or a counter takes the application


def test_a_date_is_checked_as_a_calendar_date() -> None:
    k = Kiosk()
    to_form(k, "QY-004")
    k.tap("applicant", "person")
    v = k.tap("set_field", ("change_date", "2026-02-30"))
    assert v.data["messages"] == {"change_date": "form.error.date"}
    assert next(f for f in v.data["fields"] if f["key"] == "change_date")["input"] == "date"
    assert v.data["today"] == "2026-11-22"  # where the date steppers start
    assert k.tap("set_field", ("change_date", "2026-02-28")).data["messages"] == {}


def test_a_person_only_item_never_asks_who_applies_and_sends_no_applicant_type() -> None:
    k = Kiosk()
    v = to_form(k, "SB-001")
    assert v.screen == "form" and keys(v) == ["name", "phone", "delivery"]
    assert v.data["fields"][0]["locked"]  # the name read from the card
    k.tap("set_field", ("phone", "13800138000"))
    k.tap("set_field", ("delivery", "hall"))
    assert k.tap("form_next").screen == "materials"
    assert "applicant_type" not in _submit(k).form


def test_a_company_only_item_starts_with_the_credit_code_without_asking() -> None:
    k = Kiosk()
    v = to_form(k, "QY-005")
    assert v.screen == "form" and keys(v)[0] == "credit_code"
    assert k.ctx.session.form["applicant_type"] == "legal_person"


def test_an_item_whose_form_cannot_be_read_is_sent_to_a_counter() -> None:
    k = Kiosk()
    k.tile("submit")
    k.event("id_card", "card_placed", id_card())
    k.tap("face_ok", b"\xff\xd8face\xff\xd9")
    v = k.tap("item", "XX-006")
    assert v.screen == "guide" and v.data["self_service"] is False
    v = k.tap("start_form")
    assert v.screen == "message" and v.data["key"] == "guide.counter_only"
    assert "counter_ticket" in v.data["actions"]


class Items:
    """The hall client answering GET /items with fixed rows (the adapter under test is real)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def request(self, method: str, path: str, **_kw: Any) -> Any:
        assert (method, path) == ("GET", "/items")
        return self.rows


def test_the_adapter_reads_each_items_form_and_marks_an_unreadable_one_without_personal_data(caplog) -> None:
    rows: list[dict[str, Any]] = [{"code": "A-1", "name_zh": "标准表单", "category": "A"},
            {"code": "A-2", "name_zh": "企业表单", "category": "A", "form": COMPANY_FORM.to_json()},
            {"code": "A-3", "name_zh": "新格式", "category": "A",
             "form": {"fields": [{"key": "sig", "label": "签名", "type": "signature"}]}}]
    with caplog.at_level(logging.WARNING):
        items = {i.code: i for i in HallAdapter(Items(rows)).catalogue()}
    assert items["A-1"].form is not None and [f.key for f in items["A-1"].form.fields][:2] == ["name", "id"]
    assert items["A-2"].form == COMPANY_FORM
    assert items["A-3"].form is None
    assert "A-3" in caplog.text and "fields[0].type" in caplog.text and "签名" not in caplog.text
    assert item_form({"code": "A-4", "form": "not an object"}) is None


@pytest.mark.parametrize("status", [404, 503])
def test_the_adapter_asks_the_hall_for_a_company_by_credit_code(status: int) -> None:
    from hall.client.errors import HallRejected, HallUnreachable
    from kiosk.flows.ports import NotFound

    class Licences:
        def __init__(self) -> None:
            self.asked: list[Any] = []

        def request(self, method: str, path: str, *, json: Any = None, **_kw: Any) -> Any:
            self.asked.append((method, path, json))
            if json["credit_code"] == CREDIT_CODE:
                return {"credit_code": CREDIT_CODE, "company_name": "福州示范科技有限公司",
                        "legal_representative": "林小华", "licenses": [{"type": "business_licence"}]}
            if status == 404:
                raise HallRejected("no licence", status=404, server_code="elicense.not_found")
            raise HallUnreachable("down")

    client = Licences()
    adapter = HallAdapter(client)
    proof = {"method": "id_card", "token": "HIP1.test"}
    company = adapter.company(CREDIT_CODE, id_number=YOUNG_ID, proof=proof)
    assert (company.name, company.legal_representative, company.licenses) == (
        "福州示范科技有限公司", "林小华", ("business_licence",))
    assert client.asked == [("POST", "/elicenses/company",
                             {"credit_code": CREDIT_CODE, "id_number": YOUNG_ID, "proof": proof})]
    with pytest.raises(NotFound if status == 404 else Unavailable):
        adapter.company("91350100M000100Y44", id_number=YOUNG_ID, proof=proof)


def _review(k: Kiosk) -> View:
    v = k.tap("materials_next")
    if v.screen == "notice":
        k.tap("commit")
        v = k.tap("signed", b"\x89PNGsig")
    return v


def _submit(k: Kiosk) -> Any:
    v = _review(k)
    assert v.screen == "review", v.screen
    k.tap("submit")
    return next(c[1]["submission"] for c in k.ctx.terminal.calls if c[0] == "submit")


def test_an_address_the_card_does_not_give_is_typed_and_one_it_gives_is_shown() -> None:
    from hall.forms import parse_form
    from kiosk.flows import form as rules

    form = parse_form({"fields": [{"key": "premises", "label": "经营场所", "type": "address"},
                                  {"key": "address", "label": "收件地址", "type": "address", "prefill": "address"}]})
    premises, mailing = form.fields
    assert rules.input_of(premises) == "text" and rules.input_of(mailing) == "shown"
    # the post message speaks of the ID card; a business's premises is simply to be filled in
    assert rules.errors(form, {}) == {"premises": "form.required", "address": "form.error.address_missing"}
    assert rules.errors(form, {"premises": "福州市鼓楼区五四路 100 号", "address": "天河路385号"}) == {}
