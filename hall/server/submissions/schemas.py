"""Submissions (办件) and e-licences over the API; ``hall.client`` reads them with these classes.

A case is answered in two shapes: :class:`SubmissionOut` (progress: no personal data but masked
fields) and :class:`SubmissionDetailOut` (the clerk's, with the applicant's name and form).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from hall.server.core.schemas import CodeText, DbId, FreeText, In, IsoTime, Out
from hall.server.identity.schemas import ProofIn

StatusName = Literal["submitted", "accepted", "supplement_required", "in_review", "approved", "rejected",
                     "result_ready", "delivered"]


class MaterialIn(In):
    requirement: Annotated[str, CodeText] = Field(min_length=1, max_length=64)
    file: Annotated[str | None, CodeText] = Field(default=None, max_length=64)
    elicense: bool = False
    waive_until: date | None = None


class SubmissionIn(In):
    """The ``data`` part of ``POST /submissions`` (JSON); files come as parts named by ``materials[].file``."""

    item_code: Annotated[str, CodeText] = Field(min_length=1, max_length=32)
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    name: str = Field(default="", max_length=64, repr=False)
    form: dict[str, Any] = Field(default_factory=dict, repr=False)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=60)
    ticket_id: DbId | None = None
    local_code: Annotated[str | None, CodeText] = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    terminal_id: Annotated[str | None, CodeText] = Field(default=None, max_length=32)
    # How the applicant proved who they are (an application in a person's name needs it).
    proof: ProofIn | None = None


class StatusIn(In):
    status: StatusName
    note: Annotated[str, FreeText] = Field(default="", max_length=500)


class VerdictIn(In):
    id: DbId
    verdict: Literal["accepted", "missing", "pending"]
    note: Annotated[str, FreeText] = Field(default="", max_length=200)


class ReviewIn(In):
    materials: list[VerdictIn] = Field(default_factory=list, max_length=60)
    status: StatusName | None = None
    note: Annotated[str, FreeText] = Field(default="", max_length=500)


class LookupIn(In):
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    proof: ProofIn | None = None


class ELicenseQuery(In):
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    proof: ProofIn | None = None


class HistoryOut(Out):
    status: str
    at: IsoTime
    actor: str = ""
    note: str = ""


class MaterialOut(Out):
    """A material of a case: a file (by its SHA-256), an e-licence, a waiver or the commitment signature."""

    id: int
    requirement: str
    kind: str
    sha256: str | None = None
    content_type: str | None = None
    size: int | None = None
    verdict: str = "pending"
    waived_due: date | None = None
    name_zh: str = ""
    name_en: str = ""
    note: str | None = None
    reviewed_by: str | None = None
    reviewed_at: IsoTime | None = None


class SubmissionOut(Out):
    id: int
    code: str
    printed_code: str = ""
    local_code: str | None = None
    item_code: str
    item_name: str = ""
    item_name_en: str = ""
    status: str
    applicant_id_masked: str
    applicant_name_masked: str = ""
    ticket_id: int | None = None
    # The complete 一次性告知 list: the pre-review's findings and the counter's (``source: "counter"``).
    missing: list[dict[str, Any]] = Field(default_factory=list)
    legal_due: date | None = None
    promised_due: date | None = None
    created_at: IsoTime | None = None
    history: list[HistoryOut] = Field(default_factory=list)
    materials: list[MaterialOut] = Field(default_factory=list)


class ApplicantOut(Out):
    name: str = Field(default="", repr=False)
    id_masked: str
    form: dict[str, Any] = Field(default_factory=dict, repr=False)
    # person or legal_person (企业/单位); a legal person's credit code is no personal data.
    applicant_type: str = "person"
    credit_code: str = ""
    # What the server found wrong with an outbox submission's answers ({"field", "code", "message_zh",
    # "message_en"}): accepted anyway (the citizen had left), for the clerk to put right.
    form_problems: list[dict[str, str]] = Field(default_factory=list)


class FormFieldOut(Out):
    """A question of the item's form as the counter labels its answer (answers keep this order)."""

    key: str
    label_zh: str
    label_en: str = ""
    type: str = "text"
    # a choice's values and their labels (value -> zh)
    options: dict[str, str] = Field(default_factory=dict)


class SubmissionDetailOut(SubmissionOut):
    """The clerk's view: the case plus the applicant (decrypted name and form, masked ID)."""

    applicant: ApplicantOut
    # The questions of the item's form (the applicant type and a legal person's block first), to label answers.
    form_fields: list[FormFieldOut] = Field(default_factory=list)
    # While the time limit runs (accepted, in review): ok / soon / overdue and the working days left
    # (negative: overdue), counted with the hall's holiday calendar.
    deadline: str | None = None
    working_days_left: int | None = None


class LookupOut(Out):
    id_masked: str
    items: list[SubmissionOut]


class LicenseOut(Out):
    type: str
    name: str
    issuer: str = ""
    license_no: str = ""
    valid_until: str = ""
    valid_from: str = ""
    # The platform's reference to the licence file (an e-licence platform's own id; "" when none).
    file_ref: str = ""


class ELicensesOut(Out):
    id_masked: str
    licenses: list[LicenseOut]


class CompanyQuery(In):
    """``POST /elicenses/company``: the legal person by credit code, asked for the person at the terminal who
    proved who they are (an agent or the legal representative), like the ID query."""

    credit_code: str = Field(min_length=18, max_length=18)
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    proof: ProofIn | None = None


class CompanyOut(Out):
    """What the business licence (营业执照) says of a legal person: to prefill the legal person's block."""

    credit_code: str
    company_name: str
    legal_representative: str = Field(default="", repr=False)
    licenses: list[LicenseOut]



class DeadlineOut(Out):
    """An application whose time limit runs (accepted or in review) that is overdue or soon due."""

    code: str
    item_code: str
    item_name: str
    status: str
    applicant_name_masked: str = ""
    promised_due: date | None = None
    legal_due: date | None = None
    working_days_left: int  # 0 on the last day; negative: working days overdue
    state: str  # overdue, soon
