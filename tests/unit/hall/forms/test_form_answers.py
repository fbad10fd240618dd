"""A citizen's answers checked against a definition: the same rules on the kiosk and the server."""

from __future__ import annotations

from hall.forms import STANDARD_FORM, fields_for, labels, parse_form, validate
from hall.forms.rules import MESSAGES, check
from hall.server.domain.identity import credit_code_check_char
from tests.unit.hall.forms.test_form_definition import COMPANY_FORM

COMPANY = parse_form(COMPANY_FORM)


def _valid_credit_code() -> str:
    first17 = "91110108MA01ABCDE"
    return first17 + credit_code_check_char(first17)


def test_a_person_answering_well_has_no_problems() -> None:
    assert validate(COMPANY, {"phone": "13800138000", "kind": "name"}) == []


def test_a_bad_mobile_and_a_missing_choice_are_named() -> None:
    problems = validate(COMPANY, {"phone": "1234"})
    assert [(p.key, p.code) for p in problems] == [("phone", "form.error.phone"), ("kind", "form.required")]
    assert problems[0].message_zh.startswith("请输入 11 位")


def test_a_conditional_field_is_asked_only_when_its_choice_says_so() -> None:
    assert validate(COMPANY, {"phone": "13800138000", "kind": "name"}) == []
    problems = validate(COMPANY, {"phone": "13800138000", "kind": "address"})
    assert [(p.key, p.code) for p in problems] == [("new_address", "form.required")]


def test_a_number_outside_its_range_is_refused() -> None:
    problems = validate(COMPANY, {"phone": "13800138000", "kind": "name", "staff": "0"})
    assert [(p.key, p.code) for p in problems] == [("staff", "form.error.range")]
    assert validate(COMPANY, {"phone": "13800138000", "kind": "name", "staff": "x"})[0].code == "form.error.number"


def test_a_legal_person_answers_the_company_block_first() -> None:
    keys = [f.key for f in fields_for(COMPANY, "legal_person")]
    assert keys[:3] == ["credit_code", "company_name", "legal_representative"] and "licence_no" in keys
    assert "licence_no" not in [f.key for f in fields_for(COMPANY, "person")]


def test_a_legal_person_with_a_wrong_check_character_is_refused() -> None:
    good = _valid_credit_code()
    answers = {"applicant_type": "legal_person", "credit_code": good, "company_name": "某某科技有限公司",
               "legal_representative": "张三", "phone": "13800138000", "kind": "name", "licence_no": "AB123456"}
    assert validate(COMPANY, answers) == []
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    problems = validate(COMPANY, {**answers, "credit_code": wrong})
    assert [(p.key, p.code) for p in problems] == [("credit_code", "form.error.credit_code")]
    assert validate(COMPANY, {**answers, "licence_no": "ab1"})[0].code == "form.error.pattern"


def test_an_item_for_persons_refuses_a_company() -> None:
    problems = validate(STANDARD_FORM, {"applicant_type": "legal_person"})
    assert [(p.key, p.code) for p in problems] == [("applicant_type", "form.error.applicant")]


def test_an_answer_to_an_unasked_field_is_refused() -> None:
    problems = validate(COMPANY, {"phone": "13800138000", "kind": "name", "salary": "9999"})
    assert [(p.key, p.code) for p in problems] == [("salary", "form.error.unknown")]


def test_the_standard_form_takes_a_masked_prefilled_id_and_needs_an_address_by_post() -> None:
    base = {"name": "张三", "id": "110101********1234", "phone": "13800138000"}
    assert validate(STANDARD_FORM, {**base, "delivery": "hall"}) == []
    problems = validate(STANDARD_FORM, {**base, "delivery": "mail"})
    assert [(p.key, p.code) for p in problems] == [("address", "form.error.address_missing")]


def test_a_date_field_takes_only_real_dates() -> None:
    form = parse_form({"fields": [{"key": "on", "label": "日期", "type": "date"}]})
    assert check(form.fields[0], {"on": "2026-02-30"}) == "form.error.date"
    assert check(form.fields[0], {"on": "2026-02-28"}) == ""


def test_every_problem_code_has_both_languages_and_labels_cover_the_company_block() -> None:
    assert all(zh and en for zh, en in MESSAGES.values())
    assert labels(COMPANY)["credit_code"] == ("统一社会信用代码", "Unified social credit code")
    assert labels(COMPANY)["new_address"] == ("新住所", "新住所")
