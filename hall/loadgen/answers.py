"""Answers to an item's application form (hall.forms) as a kiosk would send them, for the load generator:
the server refuses a submission whose answers do not fit the item's form (docs/forms.md)."""

from __future__ import annotations

from random import Random
from typing import Any

from hall.forms import Field, FormDefinitionError, fields_for, form_or_standard, shown, validate

COMPANY = "91110105MA01K2P7XN"  # a fictitious company of the demo e-licence library (GB 32100 valid)
_SAMPLES = {"mobile": "13800000000", "date": "2026-03-02", "digits": "1", "address": "示例市示例区示例路 1 号",
            "credit_code": COMPANY, "id_number": "", "text": "示例"}


def _answer(f: Field, rng: Random) -> str:
    if f.type == "choice":
        return rng.choice(f.options).value
    if f.type == "number":
        low = f.minimum if f.minimum is not None else 1
        return str(low if f.maximum is None else rng.randint(low, max(low, min(f.maximum, low + 100))))
    value = _SAMPLES.get(f.type, "示例")
    return value.ljust(f.min_len, "例") if value else value


def answers(form: Any, rng: Random) -> dict[str, str] | None:
    """Valid answers to ``form`` (an item's ``form`` JSON; None = the standard form), as a person when the
    item takes persons, else as a legal person; None when the definition cannot be answered blindly (a
    ``pattern`` the sample text does not match, say): the caller picks another item."""
    try:
        definition = form_or_standard(form)
    except FormDefinitionError:
        return None
    kind = "person" if "person" in definition.applicants else "legal_person"
    values: dict[str, str] = {} if kind == "person" else {"applicant_type": kind}
    for f in fields_for(definition, kind):
        if f.key == "delivery" and f.type == "choice" and any(o.value == "hall" for o in f.options):
            values[f.key] = "hall"  # no post: no address to invent
        elif shown(f, values) and (f.required or f.type == "choice") and (value := _answer(f, rng)):
            values[f.key] = value
    return values if not validate(definition, values) else None
