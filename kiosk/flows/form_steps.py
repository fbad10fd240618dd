"""The form steps of 自助申报: who applies (个人 / 企业（单位）), the item's own form with each answer
checked at once, and a company's details from its business licence found by credit code.

A mixin of :class:`kiosk.flows.submission.SubmissionFlow` (which owns ``item``, ``ctx`` and the steps
before and after); the rules are :mod:`hall.forms` through :mod:`kiosk.flows.form`.
"""

from __future__ import annotations

import logging
from typing import Any

from config.privacy import mask_id_number
from hall.forms import APPLICANT_KEY, LEGAL_PERSON_FIELDS, FormDefinition
from hall.forms.rules import applicant_of
from hall.forms.standard import LEGAL_PERSON_KEYS
from kiosk.flows import form as rules
from kiosk.flows.base import Step, View, Work
from kiosk.flows.materials import MaterialsMixin
from kiosk.flows.ports import Company, NotFound, PortError

log = logging.getLogger(__name__)
CARD_SOURCES = ("name", "id_number", "phone", "sex", "address")
LICENCE_SOURCES = ("company_name", "legal_representative")  # what a found licence fills and locks


class FormSteps(MaterialsMixin):
    """State of the form: which values came locked from the card or the licence, the field the keypad
    serves, and what the licence lookup found (``company``: "", found, not_found, unavailable)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing: str | None = None  # the field the keypad serves, picked with 修改
        self.back_to_review = False
        self.locked: set[str] = set()
        self.company = ""
        self.company_code = ""  # the credit code the licence was asked for

    @property
    def definition(self) -> FormDefinition:
        assert self.item is not None and self.item.form is not None
        return self.item.form

    # -- who applies ---------------------------------------------------------------------------
    def begin_form(self) -> Step:
        """After the e-licence lookup: prefill from the card, then ask who applies when the item takes
        both persons and companies (a single kind is set without asking)."""
        self.prefill_form()
        applicants = self.definition.applicants
        if len(applicants) > 1 and APPLICANT_KEY not in self.ctx.session.form:
            return self.view_applicant()
        if applicants == ("legal_person",):
            self.ctx.session.form[APPLICANT_KEY] = "legal_person"
        return self.view_form()

    def view_applicant(self) -> View:
        return View("applicant", {"choices": list(self.definition.applicants),
                                  "chosen": self.ctx.session.form.get(APPLICANT_KEY, "")}, prompt="applicant.prompt")

    def on_applicant(self, value: Any) -> Step:
        kind = str(value)
        if kind not in self.definition.applicants:
            return self.view_applicant()
        values = self.ctx.session.form
        if values.get(APPLICANT_KEY) not in (None, kind):  # changed: the other kind's answers go
            other = {f.key for f in self.definition.fields if f.applicant is not None} | LEGAL_PERSON_KEYS
            for key in other:
                values.pop(key, None)
            self.locked -= LEGAL_PERSON_KEYS
            self.company = self.company_code = ""
            self.prefill_form()
        values[APPLICANT_KEY] = kind
        return self.view_form()

    # -- the form ------------------------------------------------------------------------------
    def prefill_form(self) -> None:
        """一号申请: what the card says fills its fields (locked where the definition says so)."""
        identity = self.ctx.session.identity
        assert identity is not None
        card = {"name": identity.name, "id_number": mask_id_number(identity.id_number), "phone": identity.phone,
                "sex": identity.sex, "address": identity.address}
        form = self.ctx.session.form
        for f in self.definition.fields:
            if f.prefill in CARD_SOURCES and f.key not in form and card.get(f.prefill):
                form[f.key] = card[f.prefill]
                if f.locked:
                    self.locked.add(f.key)

    def view_form(self, messages: dict[str, str] | None = None) -> View:
        """The form with each field's message next to it (``messages``: field → problem code); the
        keypad serves ``self.editing`` (a field picked with 修改) or the first field still to fill."""
        values = self.ctx.session.form
        fields = [rules.field_row(f, values, self.locked) for f in rules.asked(self.definition, values)]
        messages = dict(messages or {})
        return View("form", {"fields": fields, "values": {f["key"]: values.get(f["key"], "") for f in fields},
                             "errors": list(messages), "messages": messages, "editing": self.editing or "",
                             "applicant": applicant_of(values), "company": self.company,
                             "today": self.ctx.now().date().isoformat()}, prompt="form.prompt")

    def on_set_field(self, value: Any) -> Step:
        """A choice touched, a date set, a code or text typed: kept as given and checked at once (the
        message shows next to the field; what was typed stays on screen to be corrected). A valid credit
        code asks the hall for the company's business licence."""
        key, text = value
        values = self.ctx.session.form
        field = rules.find(self.definition, values, str(key))
        if field is None or field.key in self.locked or rules.input_of(field) == "shown":
            return self.view_form()
        text = rules.cleaned(field, str(text))
        if field.type == "choice" and text not in {o.value for o in field.options}:
            return self.view_form()
        values[field.key] = text
        why = rules.problem(field, values)
        if not why and self.editing == field.key:
            self.editing = None
        if field.type == "credit_code" and field.key == "credit_code":
            if text != self.company_code:
                self._forget_company()
            if not why and text != self.company_code:
                self.company_code = text
                who = self.ctx.session.identity
                assert who is not None
                return Work(run=lambda: self.ctx.hall.company(text, id_number=who.id_number, proof=who.proof),
                            done=self._company_found,
                            failed=self._company_missing, busy=View("busy", {"key": "busy.company"}),
                            label="company")
        return self.view_form({field.key: why} if why else {})

    def _forget_company(self) -> None:
        values = self.ctx.session.form
        for key in self.locked & {f.key for f in LEGAL_PERSON_FIELDS + self.definition.fields
                                  if f.prefill in LICENCE_SOURCES}:
            values.pop(key, None)
        self.locked -= {"company_name", "legal_representative"} | {
            f.key for f in self.definition.fields if f.prefill in LICENCE_SOURCES}
        self.company = self.company_code = ""

    def _company_found(self, company: Company) -> Step:
        values = self.ctx.session.form
        found = {"company_name": company.name, "legal_representative": company.legal_representative}
        for f in LEGAL_PERSON_FIELDS + self.definition.fields:
            if f.prefill in LICENCE_SOURCES and found.get(f.prefill):
                values[f.key] = found[f.prefill]
                self.locked.add(f.key)  # what the licence says is not typed over
        self.company = "found"
        return self.view_form()

    def _company_missing(self, exc: PortError) -> Step:
        # the citizen types the name or goes to a counter; no code or name is logged
        self.company = "not_found" if isinstance(exc, NotFound) else "unavailable"
        log.info("business licence lookup: %s", self.company)
        return self.view_form()

    def on_edit_field(self, key: Any) -> Step:
        """修改 on the review page: back to the form on that field (or to who applies); 下一步 returns
        to the review."""
        self.back_to_review = True
        if key == APPLICANT_KEY and len(self.definition.applicants) > 1:
            return self.view_applicant()
        field = rules.find(self.definition, self.ctx.session.form, str(key))
        if field is not None and field.key not in self.locked and rules.input_of(field) != "shown":
            self.editing = field.key
        return self.view_form()

    def on_form_next(self, _value: Any = None) -> Step:
        wrong = rules.errors(self.definition, self.ctx.session.form)
        if wrong:
            return self.view_form(wrong)
        self.editing = None
        if self.back_to_review:
            self.back_to_review = False
            return self.view_review()
        return self.view_materials()
