"""The application form's rules, per field: what a value must look like and which message says why not.

Pure functions of the item's fields and the values typed so far; the submission flow calls them on
every touch (the message appears next to the field at once) and again before the materials step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from kiosk.flows.ports import FormField

MOBILE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number: 1, then 3–9, then nine digits


def shown(field: FormField, values: Mapping[str, str]) -> bool:
    """Whether the field is asked at all (the address only when the result goes by post)."""
    if not field.when:
        return True
    key, value = field.when
    return values.get(key) == value


def check(field: FormField, values: Mapping[str, str]) -> str:
    """The i18n key of what is wrong with this field's value, or "" when it is fine."""
    if not shown(field, values):
        return ""
    value = values.get(field.key, "")
    if not value:
        if field.kind == "address":
            return "form.error.address_missing"
        return "form.required" if field.required else ""
    if field.kind == "digits" and field.key == "phone" and not MOBILE.match(value):
        return "form.error.phone"
    if field.kind == "digits" and not value.isdigit():
        return "form.error.digits"
    if field.kind == "choice" and value not in {o[0] for o in field.options}:
        return "form.required"
    return ""


def errors(fields: Sequence[FormField], values: Mapping[str, str]) -> dict[str, str]:
    """Every field in error → its message key, in the form's order."""
    return {f.key: why for f in fields if (why := check(f, values))}


def review_rows(fields: Sequence[FormField], values: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every answered field as the review page lists it: label, the value in words, and whether
    the citizen may change it (what was read from the card is not typed here)."""
    rows = []
    for f in fields:
        if not shown(f, values) or not values.get(f.key):
            continue
        value = values[f.key]
        value_zh = value_en = value
        if f.kind == "choice":
            value_zh, value_en = next(((zh, en) for v, zh, en in f.options if v == value), (value, value))
        rows.append({"key": f.key, "label_zh": f.label_zh, "label_en": f.label_en, "value_zh": value_zh,
                     "value_en": value_en, "editable": f.kind != "prefill"})
    return rows
