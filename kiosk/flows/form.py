"""The application form on the kiosk: a thin layer over :mod:`hall.forms` (the one definition format and
answer checks the server and the counter use too) that says how each field is entered on a touchscreen
and turns the form into the plain rows the pages render.

Pure functions of the item's definition and the values typed so far; the submission flow calls them on
every touch (the message appears next to the field at once) and again before the materials step.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from hall.forms import APPLICANT_KEY, Field, FormDefinition, check, fields_for, shown
from hall.forms.rules import applicant_of
from hall.forms.standard import LEGAL_PERSON_KEYS
from kiosk.i18n import tr

# how a field type is entered: buttons, the numeric keypad, the date steppers, the credit code pad,
# free text (the on-screen pinyin keyboard), or only shown (the address read from the card)
INPUT = {"choice": "choice", "digits": "keypad", "number": "keypad", "mobile": "keypad", "id_number": "keypad",
         "date": "date", "credit_code": "code", "text": "text", "address": "shown"}
# the characters a credit code may hold (GB 32100: no I, O, S, V, Z), the letters of its pad
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# what a legal person's business licence fills (the rest of ``prefill`` comes from the citizen's card)
LICENCE_SOURCES = frozenset({"company_name", "legal_representative", "credit_code"})
LENGTHS = {"mobile": 11, "id_number": 18, "credit_code": 18, "number": 12, "date": 10}


def input_of(field: Field) -> str:
    """How this field is entered: an address the card gives is shown to confirm; one it does not (a
    business's premises) is typed like any text."""
    if field.type == "address" and field.prefill != "address":
        return "text"
    return INPUT[field.type]


def problem(field: Field, values: Mapping[str, str]) -> str:
    """The field's problem code (hall.forms.check), in the kiosk's words: an empty address the card does
    not give is simply to be filled (the post message speaks of the ID card's address)."""
    why = check(field, values)
    return "form.required" if why == "form.error.address_missing" and input_of(field) == "text" else why


def asked(form: FormDefinition, values: Mapping[str, str]) -> list[Field]:
    """The fields asked now, in order: this kind of applicant's, and only those whose condition holds."""
    return [f for f in fields_for(form, applicant_of(values)) if shown(f, values)]


def find(form: FormDefinition, values: Mapping[str, str], key: str) -> Field | None:
    return next((f for f in fields_for(form, applicant_of(values)) if f.key == key), None)


def errors(form: FormDefinition, values: Mapping[str, str]) -> dict[str, str]:
    """Every asked field in error → its problem code (a key of the kiosk's i18n), in the form's order."""
    return {f.key: why for f in asked(form, values) if (why := problem(f, values))}


def max_len(field: Field) -> int:
    return LENGTHS.get(field.type) or field.max_len or (18 if input_of(field) == "keypad" else 100)


def cleaned(field: Field, text: str) -> str:
    """What the citizen typed, as the field keeps it: codes in capitals, at most the field's length."""
    text = text.strip()
    if field.type in ("credit_code", "id_number"):
        text = text.upper()
    return text[:max_len(field)]


def submitted(form: FormDefinition, values: Mapping[str, str]) -> dict[str, str]:
    """The answers that go to the hall: only what the form asks of this applicant now (no address
    unless the result goes by post), plus the applicant type when the citizen chose one."""
    keys = {f.key for f in asked(form, values)}
    out = {k: v for k, v in values.items() if k in keys and v}
    if APPLICANT_KEY in values:
        out[APPLICANT_KEY] = values[APPLICANT_KEY]
    return out


def field_row(field: Field, values: Mapping[str, str], locked: Collection[str]) -> dict[str, Any]:
    """One field as the form page renders it (plain data, no Qt)."""
    return {"key": field.key, "label_zh": field.label.zh, "label_en": field.label.en or field.label.zh,
            "type": field.type, "input": input_of(field),
            "options": [[o.value, o.label.zh, o.label.en or o.label.zh] for o in field.options],
            "required": field.required, "max_len": max_len(field), "locked": field.key in locked,
            "hint_zh": field.hint.zh if field.hint else "", "hint_en": (field.hint.en or field.hint.zh) if field.hint
            else "", "when": list(field.when or ()), "company": field.key in LEGAL_PERSON_KEYS,
            "from_licence": field.prefill in LICENCE_SOURCES}


def review_rows(form: FormDefinition, values: Mapping[str, str], locked: Collection[str] = ()) -> list[dict[str, Any]]:
    """Every answered field as the review page lists it: label, the value in words, and whether the
    citizen may change it (what the card or the business licence gave is not typed here). The applicant
    type comes first when the citizen chose one."""
    rows = []
    if APPLICANT_KEY in values:
        kind = f"applicant.{values[APPLICANT_KEY]}"
        rows.append({"key": APPLICANT_KEY, "label_zh": tr("zh_CN", "review.applicant_type"),
                     "label_en": tr("en", "review.applicant_type"), "value_zh": tr("zh_CN", kind),
                     "value_en": tr("en", kind), "editable": len(form.applicants) > 1, "company": False})
    for f in asked(form, values):
        value = values.get(f.key, "")
        if not value:
            continue
        value_zh = value_en = value
        if f.type == "choice":
            value_zh, value_en = next(((o.label.zh, o.label.en or o.label.zh) for o in f.options if o.value == value),
                                      (value, value))
        rows.append({"key": f.key, "label_zh": f.label.zh, "label_en": f.label.en or f.label.zh,
                     "value_zh": value_zh, "value_en": value_en,
                     "editable": f.key not in locked and input_of(f) != "shown",
                     "company": f.key in LEGAL_PERSON_KEYS})
    return rows
