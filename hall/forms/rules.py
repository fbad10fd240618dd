"""The checks of a citizen's answers against a form definition, with one message per problem.

The kiosk calls :func:`check` on every touch (the message appears next to the field at once); the
server calls :func:`validate` on every submission, so a form that reaches it unchecked (an old kiosk, a
hand-made request) is refused with the same messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from hall.forms.definition import APPLICANT_KEY, Field, FormDefinition
from hall.forms.standard import LEGAL_PERSON_FIELDS, LEGAL_PERSON_KEYS
from hall.server.domain.identity import credit_code_problem, id_number_problem

MOBILE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number: 1, then 3–9, then nine digits
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")  # a prefilled ID shown masked (110101********1234)

# problem code -> (zh, en); the kiosk's i18n has the same keys (and its other languages)
MESSAGES: dict[str, tuple[str, str]] = {
    "form.required": ("请填写此项", "Please fill this in"),
    "form.error.phone": ("请输入 11 位手机号码（1 开头，第二位 3–9）", "Enter an 11-digit mobile number"),
    "form.error.digits": ("只能输入数字", "Digits only"),
    "form.error.number": ("请输入整数", "Enter a whole number"),
    "form.error.range": ("数值超出允许范围", "The number is out of range"),
    "form.error.date": ("请输入有效日期（年-月-日）", "Enter a valid date (YYYY-MM-DD)"),
    "form.error.choice": ("请从给出的选项中选择", "Choose one of the options"),
    "form.error.id_number": ("身份证号码有误，请核对", "The ID number is not valid"),
    "form.error.credit_code": ("统一社会信用代码有误（18 位，含校验位），请核对",
                               "The unified social credit code is not valid (18 characters with a check character)"),
    "form.error.too_short": ("内容太短", "Too short"),
    "form.error.too_long": ("内容太长", "Too long"),
    "form.error.pattern": ("格式不符合要求", "Not in the required format"),
    "form.error.address_missing": ("邮寄需要收件地址", "Delivery by post needs an address"),
    "form.error.applicant": ("本事项不接受此类申请人", "This item does not take this kind of applicant"),
    "form.error.unknown": ("表单中有本事项没有的项目", "The form has a field this item does not ask"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one answer: ``code`` is a key of :data:`MESSAGES`."""

    key: str
    code: str

    @property
    def message_zh(self) -> str:
        return MESSAGES[self.code][0]

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][1]


def applicant_of(values: Mapping[str, str]) -> str:
    return values.get(APPLICANT_KEY) or "person"


def fields_for(form: FormDefinition, applicant: str = "person") -> tuple[Field, ...]:
    """The fields asked of this kind of applicant, in order: a legal person's fixed block first."""
    block = LEGAL_PERSON_FIELDS if applicant == "legal_person" else ()
    own = tuple(f for f in form.fields if f.applicant in (None, applicant)
                and not (applicant == "legal_person" and f.key in LEGAL_PERSON_KEYS))
    return block + own


def shown(field: Field, values: Mapping[str, str]) -> bool:
    """Whether the field is asked, given the answers so far (``when`` and the applicant type)."""
    if field.applicant is not None and field.applicant != applicant_of(values):
        return False
    return field.when is None or values.get(field.when[0]) == field.when[1]


def _date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _number(field: Field, value: str) -> str:
    if not re.fullmatch(r"-?\d{1,12}", value):
        return "form.error.number"
    n = int(value)
    if (field.minimum is not None and n < field.minimum) or (field.maximum is not None and n > field.maximum):
        return "form.error.range"
    return ""


def check(field: Field, values: Mapping[str, str]) -> str:
    """The problem code of this field's answer, or "" when it is fine (or not asked)."""
    if not shown(field, values):
        return ""
    value = (values.get(field.key) or "").strip()
    if not value:
        if field.type == "address" and field.required:
            return "form.error.address_missing"
        return "form.required" if field.required else ""
    kind = field.type
    if kind == "mobile" and not MOBILE.match(value):
        return "form.error.phone"
    if kind == "digits" and not value.isdigit():
        return "form.error.digits"
    if kind == "number" and (why := _number(field, value)):
        return why
    if kind == "date" and not _date(value):
        return "form.error.date"
    if kind == "choice" and value not in {o.value for o in field.options}:
        return "form.error.choice"
    if kind == "id_number" and not MASKED_ID.match(value) and id_number_problem(value) is not None:
        return "form.error.id_number"
    if kind == "credit_code" and credit_code_problem(value) is not None:
        return "form.error.credit_code"
    if field.min_len and len(value) < field.min_len:
        return "form.error.too_short"
    if field.max_len and len(value) > field.max_len:
        return "form.error.too_long"
    if field.pattern and not re.fullmatch(field.pattern, value):
        return "form.error.pattern"
    return ""


def validate(form: FormDefinition, values: Mapping[str, str]) -> list[Problem]:
    """Every problem of a whole answered form, in the form's order; [] when it may be submitted.
    An answer to a field the item does not ask is a problem too (nothing unasked is stored)."""
    applicant = applicant_of(values)
    if applicant not in form.applicants:
        return [Problem(APPLICANT_KEY, "form.error.applicant")]
    fields = fields_for(form, applicant)
    problems = [Problem(f.key, why) for f in fields if (why := check(f, values))]
    known = {f.key for f in fields} | {APPLICANT_KEY}
    problems += [Problem(k, "form.error.unknown") for k in values if k not in known]
    return problems


def labels(form: FormDefinition) -> dict[str, tuple[str, str]]:
    """Every key the form can hold → (zh, en) label; what the counter prints next to an answer."""
    out = {f.key: (f.label.zh, f.label.en or f.label.zh) for f in LEGAL_PERSON_FIELDS + form.fields}
    out[APPLICANT_KEY] = ("申请人类型", "Applicant type")
    return out
