"""The form definition format: what parses, what is refused (with the path of the fault), and that the
canonical JSON parses back to the same definition."""

from __future__ import annotations

from typing import Any

import pytest

from hall.forms import STANDARD_FORM, FormDefinitionError, parse_form

COMPANY_FORM: dict[str, Any] = {
    "applicants": ["person", "legal_person"],
    "fields": [
        {"key": "phone", "label": {"zh": "联系电话", "en": "Mobile"}, "type": "mobile"},
        {"key": "kind", "label": "变更类型", "type": "choice",
         "options": [{"value": "name", "label": "名称变更"}, {"value": "address", "label": "住所变更"}]},
        {"key": "new_address", "label": "新住所", "type": "text", "max_len": 100,
         "when": {"field": "kind", "equals": "address"}},
        {"key": "staff", "label": "从业人数", "type": "number", "min": 1, "max": 100000, "required": False},
        {"key": "licence_no", "label": "许可证编号", "type": "text", "pattern": "[A-Z]{2}\\d{6}",
         "applicant": "legal_person"},
    ],
}


def test_a_company_form_parses_and_round_trips() -> None:
    form = parse_form(COMPANY_FORM)
    assert form.applicants == ("person", "legal_person")
    assert [f.key for f in form.fields] == ["phone", "kind", "new_address", "staff", "licence_no"]
    assert form.fields[2].when == ("kind", "address")
    assert form.fields[3].minimum == 1 and form.fields[3].required is False
    assert parse_form(form.to_json()) == form


def test_the_standard_form_round_trips() -> None:
    assert parse_form(STANDARD_FORM.to_json()) == STANDARD_FORM


def test_no_definition_asks_nothing() -> None:
    assert parse_form(None).fields == () and parse_form({}).applicants == ("person",)


@pytest.mark.parametrize(("change", "path"), [
    ({"fields": [{"key": "Phone", "label": "电话"}]}, "fields[0].key"),
    ({"fields": [{"key": "phone", "label": "电话", "type": "phone"}]}, "fields[0].type"),
    ({"fields": [{"key": "phone", "label": ""}]}, "fields[0].label"),
    ({"fields": [{"key": "kind", "label": "类型", "type": "choice"}]}, "fields[0].options"),
    ({"fields": [{"key": "a", "label": "甲"}, {"key": "a", "label": "乙"}]}, "fields[1].key"),
    ({"fields": [{"key": "a", "label": "甲", "when": {"field": "b", "equals": "x"}}]}, "fields[0].when"),
    ({"fields": [{"key": "a", "label": "甲", "pattern": "(["}]}, "fields[0].pattern"),
    ({"fields": [{"key": "a", "label": "甲", "pattern": "(a+)+$"}]}, "fields[0].pattern"),
    ({"fields": [{"key": "a", "label": "甲", "pattern": "(a|ab)*c"}]}, "fields[0].pattern"),
    ({"fields": [{"key": "a", "label": "甲", "pattern": "(?:\\d*-?)+"}]}, "fields[0].pattern"),
    ({"fields": [{"key": "a", "label": "甲", "colour": "red"}]}, "fields[0].colour"),
    ({"fields": [{"key": "a", "label": "甲", "min_len": 9, "max_len": 3}]}, "fields[0].min_len"),
    ({"fields": [{"key": "a", "label": "甲", "applicant": "legal_person"}]}, "fields[0].applicant"),
    ({"fields": [{"key": "applicant_type", "label": "甲"}]}, "fields[0].key"),
    ({"applicants": ["robot"]}, "applicants"),
    ({"fields": [{"key": "a", "label": "甲", "type": "choice",
                  "options": [{"value": str(i), "label": str(i)} for i in range(31)]}]}, "fields[0].options"),
    ({"fields": "phone"}, "fields"),
    ({"title": "x"}, "title"),
])
def test_a_faulty_definition_is_refused_naming_the_part(change: dict[str, Any], path: str) -> None:
    with pytest.raises(FormDefinitionError) as caught:
        parse_form(change)
    assert caught.value.path == path
    assert caught.value.reason_zh and caught.value.reason_en


def test_a_definition_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(FormDefinitionError):
        parse_form(["phone"])


def test_ordinary_patterns_are_taken() -> None:
    for pattern in (r"[A-Z]{2}\d{6}", r"\d{4}-\d{2}", r"(粤|湘)[A-Z]\d{5}", r"(?:[A-Z]\d){3}",
                    r"[\u4e00-\u9fa5]{2,20}"):
        assert parse_form({"fields": [{"key": "a", "label": "甲", "pattern": pattern}]}).fields[0].pattern == pattern
