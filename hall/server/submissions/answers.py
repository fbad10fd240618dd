"""A submission's form answers checked against its item's form (hall.forms): what is stored, what is wrong.

A submission sent straight to the API (no ``local_code``) with a wrong answer is refused with
``422 form.invalid`` naming each field: the sender is there to correct it. One that comes from a
terminal's outbox (it carries the ``local_code`` the citizen's receipt already shows) may reach the server
long after the citizen left, answered against the item's form as the kiosk had it then; refusing it would
lose the application, so it is accepted with every answer the citizen gave and its problems are kept for
the clerk (docs/forms.md). A submission that fits its form stores only the answers the form asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hall.forms import APPLICANT_KEY, FormDefinition, Problem, fields_for, shown, validate
from hall.forms.definition import KEY
from hall.server.domain.errors import DomainError

MAX_ANSWER = 500  # characters of one answer (the format's longest text)


class FormInvalid(DomainError):
    """The answers do not fit the item's form; ``problems``: ``[{"field", "code", "message_zh", "message_en"}]``
    (field keys and fixed messages only, never an answer)."""

    code = "form.invalid"
    template_zh = "申请表有 {count} 处需要修改"
    template_en = "{count} answer(s) of the application form need correcting"


@dataclass(frozen=True)
class Answers:
    """What a submission stores of its form, and the problems kept for the clerk (``[{"field", "code"}]``)."""

    values: dict[str, str] = field(repr=False)
    problems: list[dict[str, str]] = field(default_factory=list)


def _field_name(key: str) -> str:
    """A key as it may be echoed in an error or kept: a form key, or "?" for anything a client made up
    (a key can carry anything, a name included)."""
    return key if KEY.match(key) else "?"


def _plain(raw: Mapping[str, Any]) -> tuple[dict[str, str], list[Problem]]:
    """The answers as text: numbers become their digits, an empty answer is no answer; anything else
    (a list, an object, true/false, an over-long text) is a problem of its field."""
    values: dict[str, str] = {}
    wrong: list[Problem] = []
    for key, value in raw.items():
        if value is None or value == "":
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            wrong.append(Problem(_field_name(key), "form.error.pattern"))
        elif len(value) > MAX_ANSWER:
            wrong.append(Problem(_field_name(key), "form.error.too_long"))
        else:
            values[key] = value
    return values, wrong


def check_answers(form: FormDefinition, raw: Mapping[str, Any], *, deferred: bool) -> Answers:
    """The answers to store. Raises :class:`FormInvalid` when something is wrong and the submission is not
    ``deferred`` (from an outbox); a deferred one keeps its problems instead."""
    values, wrong = _plain(raw)
    problems = wrong + [Problem(_field_name(p.key), p.code) for p in validate(form, values)]
    if problems and not deferred:
        raise FormInvalid(count=len(problems), problems=[
            {"field": p.key, "code": p.code, "message_zh": p.message_zh, "message_en": p.message_en}
            for p in problems])
    applicant = values.get(APPLICANT_KEY) or "person"
    asked = {f.key for f in fields_for(form, applicant) if shown(f, values)}
    if APPLICANT_KEY in values and applicant in form.applicants:
        asked.add(APPLICANT_KEY)
    if deferred and problems:
        # Answered against the kiosk's older form: what the citizen gave to a question the item no longer
        # asks is theirs and stays for the clerk to judge (well-formed keys only; nothing is lost).
        asked |= {k for k in values if KEY.match(k)}
    kept = {k: v for k, v in values.items() if k in asked}
    return Answers(kept, [{"field": p.key, "code": p.code} for p in problems])
