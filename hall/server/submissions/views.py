"""A case as the API shows it (:class:`SubmissionOut`, the clerk's :class:`SubmissionDetailOut`), from its rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.forms import APPLICANT_KEY, LEGAL_PERSON_FIELDS, FormDefinition, FormDefinitionError, form_or_standard
from hall.forms.rules import MESSAGES
from hall.server.catalogue.models import ServiceItem
from hall.server.domain.hallday import hall_day
from hall.server.domain.submissions import CLOCK_RUNNING, DueDates
from hall.server.domain.workdays import HolidayCalendar
from hall.server.submissions.models import Submission, SubmissionMaterial, SubmissionStatus
from hall.server.submissions.schemas import (
    ApplicantOut,
    FormFieldOut,
    HistoryOut,
    MaterialOut,
    SubmissionDetailOut,
    SubmissionOut,
)

# The material a citizen's touch signature under the commitment (容缺承诺) is stored as.
SIGNATURE = "commitment_signature"
SIGNATURE_NAMES = ("容缺受理承诺书签名", "Signed commitment (容缺)")


def material_names(item: ServiceItem | None) -> dict[str, tuple[str, str]]:
    names = {str(m.get("key")): (str(m.get("name_zh") or m.get("key")), str(m.get("name_en") or ""))
             for m in (item.materials if item else None) or []}
    names[SIGNATURE] = SIGNATURE_NAMES
    return names


def _rows(s: Session, sub: Submission) -> tuple[Any, Sequence[Any], Sequence[Any]]:
    history = s.scalars(select(SubmissionStatus).where(SubmissionStatus.submission_id == sub.id)
                        .order_by(SubmissionStatus.id)).all()
    mats = s.scalars(select(SubmissionMaterial).where(SubmissionMaterial.submission_id == sub.id)
                     .order_by(SubmissionMaterial.id)).all()
    return s.get(ServiceItem, sub.item_code), history, mats


def view(s: Session, sub: Submission) -> SubmissionOut:
    """Progress: no personal data but the masked applicant fields."""
    item, history, mats = _rows(s, sub)
    return render(sub, item, history, mats, material_names(item))


def detail(s: Session, sub: Submission, personal: dict[str, Any], *, calendar: HolidayCalendar | None = None,
           today: date | None = None) -> SubmissionDetailOut:
    """The clerk's view: ``personal`` is the case's decrypted ``{"name", "form", …}``; with the time limit
    (``deadline``, ``working_days_left``) while it runs."""
    item, history, mats = _rows(s, sub)
    out = render(sub, item, history, mats, material_names(item))
    form = personal.get("form", {})
    kind = str(form.get(APPLICANT_KEY) or "person")
    problems = [{"field": p["field"], "code": p["code"], "message_zh": MESSAGES.get(p["code"], ("", ""))[0],
                 "message_en": MESSAGES.get(p["code"], ("", ""))[1]} for p in personal.get("form_problems") or []]
    applicant = ApplicantOut(name=personal.get("name", ""), id_masked=sub.applicant_id_masked, form=form,
                             applicant_type=kind,
                             credit_code=str(form.get("credit_code") or "") if kind == "legal_person" else "",
                             form_problems=problems)
    deadline = left = None
    if sub.status in CLOCK_RUNNING and (sub.promised_due or sub.legal_due):
        due, day = DueDates(legal=sub.legal_due, promised=sub.promised_due), today or hall_day(datetime.now(UTC))
        deadline = due.deadline(day, calendar=calendar)
        left = due.working_days_left(day, calendar=calendar)
    return SubmissionDetailOut(**dict(out), applicant=applicant, form_fields=form_fields(item),
                               deadline=deadline, working_days_left=left)


APPLICANT_FIELD = FormFieldOut(key=APPLICANT_KEY, label_zh="申请人类型", label_en="Applicant type", type="choice",
                               options={"person": "个人", "legal_person": "企业/单位"})


def form_fields(item: ServiceItem | None) -> list[FormFieldOut]:
    """The questions of the item's form (its current version) in the order the counter shows answers:
    the applicant type, a legal person's block, then the item's own fields."""
    try:
        form = form_or_standard(item.form if item is not None else None)
    except FormDefinitionError:  # a stored form is checked when written; never let a label break the view
        form = FormDefinition()
    own = [f for f in form.fields if f.key not in {b.key for b in LEGAL_PERSON_FIELDS}]
    out = [APPLICANT_FIELD] if "legal_person" in form.applicants else []
    blocks = LEGAL_PERSON_FIELDS if "legal_person" in form.applicants else ()
    out += [FormFieldOut(key=f.key, label_zh=f.label.zh, label_en=f.label.en or f.label.zh, type=f.type,
                         options={o.value: o.label.zh for o in f.options}) for f in (*blocks, *own)]
    return out


def _material(m: Any, names: dict[str, tuple[str, str]]) -> MaterialOut:
    return MaterialOut(id=m.id, requirement=m.requirement, kind=m.kind, sha256=m.blob_sha256,
                       content_type=m.content_type, size=m.size, verdict=m.verdict, waived_due=m.waived_due,
                       name_zh=names.get(m.requirement, (m.requirement, ""))[0],
                       name_en=names.get(m.requirement, ("", m.requirement))[1] or m.requirement,
                       note=m.note, reviewed_by=m.reviewed_by, reviewed_at=m.reviewed_at)


def render(sub: Any, item: Any, history: Sequence[Any], mats: Sequence[Any], names: dict[str, tuple[str, str]]
           ) -> SubmissionOut:
    """The API shape of a submission from its rows (ORM objects or anything with the same attributes)."""
    code = sub.code
    return SubmissionOut(
        id=sub.id, code=code, printed_code=f"{code[:8]}-{code[8:12]}-{code[12:16]}-{code[16:]}",
        local_code=sub.local_code, item_code=sub.item_code, item_name=item.name_zh if item else "",
        item_name_en=item.name_en if item else "", status=sub.status, applicant_id_masked=sub.applicant_id_masked,
        applicant_name_masked=sub.applicant_name_masked, ticket_id=sub.ticket_id, missing=sub.missing or [],
        legal_due=sub.legal_due, promised_due=sub.promised_due, created_at=sub.created_at,
        history=[HistoryOut(status=h.status, at=h.at, actor=h.actor, note=h.note) for h in history],
        materials=[_material(m, names) for m in mats])


def _missing_for_terminal(entry: Any) -> Any:
    """A missing-list entry without the clerk's note (the counter's entries carry it in their texts)."""
    if not isinstance(entry, dict) or entry.get("source") != "counter":
        return entry
    name = str(entry.get("name") or entry.get("requirement") or "")
    return {**entry, "zh": f"{name}：窗口核验未通过",
            "en": f"{entry.get('requirement', '')}: not accepted at the counter"}


def without_free_text(out: SubmissionOut) -> SubmissionOut:
    """A case as a terminal may see it: history without notes or actors, materials without notes or
    reviewers, the missing list without the clerk's notes."""
    return out.model_copy(update={
        "history": [h.model_copy(update={"note": "", "actor": ""}) for h in out.history],
        "materials": [m.model_copy(update={"note": None, "reviewed_by": None}) for m in out.materials],
        "missing": [_missing_for_terminal(entry) for entry in out.missing],
    })
