"""Submissions (办件): registration code, material matching (一次性告知), status history, due dates."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from config.privacy import mask_name
from hall.forms import FormDefinition, form_or_standard
from hall.server.catalogue.errors import ItemNotFound
from hall.server.catalogue.models import ServiceItem
from hall.server.connectors.elicense import ELicenseUnavailable
from hall.server.core.context import HallContext, Tx
from hall.server.core.idempotency import run_idempotent
from hall.server.core.sql import session_sql
from hall.server.domain import catalogue as dcat
from hall.server.domain import submissions as dsub
from hall.server.domain.hallday import hall_day
from hall.server.domain.identity import parse_id_number
from hall.server.submissions.answers import check_answers
from hall.server.submissions.errors import FileMissing, SignatureFile, SignatureNotPng, SubmissionNotFound
from hall.server.submissions.models import Submission, SubmissionMaterial, SubmissionStatus
from hall.server.submissions.schemas import SubmissionIn, SubmissionOut
from hall.server.submissions.uploads import Part, StoredFile, add_blobs, store_all
from hall.server.submissions.views import SIGNATURE, material_names, render, view
from hall.server.tickets.numbering import count_up

_COUNTER_KEY = "#R"  # the registration-code counter shares the per-day counter table


def domain_item(row: ServiceItem) -> dcat.ServiceItem:
    mats = tuple(dcat.Material(
        code=m["key"], name=m["name_zh"],
        form=dcat.MaterialForm.ORIGINAL if m.get("original", True) else dcat.MaterialForm.COPY,
        count=int(m.get("copies", 1)), formats=tuple(m.get("formats") or ("pdf", "jpg", "png")),
        waivable=bool(m.get("waivable")), e_license_type=m.get("elicense")) for m in row.materials or [])
    return dcat.ServiceItem(code=row.code, name=row.name_zh, category=row.category, materials=mats,
                            legal_limit_days=row.legal_days, promised_limit_days=row.promised_days)


def _next_code(s: Session, now: datetime) -> dsub.RegistrationCode:
    day = hall_day(now)
    return dsub.new_registration_code(day, count_up(session_sql(s), day=day.isoformat(), key=_COUNTER_KEY))


def _material(requirement: str, kind: str, *, f: StoredFile | None = None, waived_due: date | None = None
              ) -> dict[str, Any]:
    return {"requirement": requirement, "kind": kind, "blob_sha256": f.sha256 if f else None,
            "content_type": f.content_type if f else None, "size": f.size if f else None,
            "elicense_id": None, "waived_due": waived_due, "verdict": "pending", "note": None,
            "reviewed_by": None, "reviewed_at": None}


def _signature(m: dict[str, Any], files: dict[str, StoredFile]) -> dict[str, Any]:
    """The touch signature under the commitment (容缺承诺书): a PNG part, stored like any material."""
    f = files.get(m.get("file") or "")
    if f is None:
        raise SignatureFile()
    if f.content_type != "image/png":
        raise SignatureNotPng()
    return _material(SIGNATURE, SIGNATURE, f=f)


def find(s: Session, code: str) -> Submission:
    """The case by registration code (hyphens and case tolerated) or the terminal's local code.
    Raises :class:`SubmissionNotFound`."""
    norm = code.replace("-", "").strip().upper()
    row = s.scalar(select(Submission).where((Submission.code == norm) | (Submission.local_code == code.strip())))
    if row is None:
        raise SubmissionNotFound()
    return row


@dataclass(frozen=True)
class _Item:
    """A service item as a submission needs it, cached for a few seconds (items change a few times a year;
    reading and converting the row cost more than the rest of the checks)."""

    row: SimpleNamespace
    domain: dcat.ServiceItem
    names: dict[str, tuple[str, str]]
    form: FormDefinition
    at: float


_ITEMS: dict[str, _Item] = {}
_ITEM_TTL_S = 5.0


def _item(s: Session, code: str) -> _Item | None:
    hit = _ITEMS.get(code)
    if hit is not None and time.monotonic() - hit.at < _ITEM_TTL_S:
        return hit
    row = s.get(ServiceItem, code)
    if row is None or not row.active:
        return None
    plain = SimpleNamespace(code=row.code, name_zh=row.name_zh, name_en=row.name_en)
    hit = _Item(plain, domain_item(row), material_names(row), form_or_standard(row.form), time.monotonic())
    if len(_ITEMS) > 1000:
        _ITEMS.clear()
    _ITEMS[code] = hit
    return hit


# Statements of the submission write, compiled once (SQLAlchemy caches their compiled form).
_SUB, _MAT, _STATUS = (cast(Table, m.__table__) for m in (Submission, SubmissionMaterial, SubmissionStatus))
_BY_LOCAL = select(_SUB.c.id).where(_SUB.c.local_code == bindparam("local"))
_INSERT_SUB = _SUB.insert().returning(_SUB.c.id)
_INSERT_MAT = _MAT.insert().returning(_MAT.c.id, sort_by_parameter_order=True)
_INSERT_STATUS = _STATUS.insert()


def create(hall: HallContext, tx: Tx, body: SubmissionIn, files: dict[str, StoredFile],
           licensed: set[str]) -> tuple[int, SubmissionOut]:
    """Register a case (201), or the existing one for a known ``local_code`` (200): materials matched
    against the item's list, registration code, status history, due dates. Raises ItemNotFound,
    FileMissing, SignatureFile, SignatureNotPng and the domain's refusals."""
    req = body.model_dump(mode="json")
    s, now = tx.session, datetime.now(UTC)
    conn = s.connection()
    if req.get("local_code"):
        found = conn.execute(_BY_LOCAL, {"local": req["local_code"]}).scalar()
        if found is not None:
            return 200, view(s, s.get_one(Submission, found))
    cached = _item(s, req["item_code"])
    if cached is None:
        raise ItemNotFound()
    item = cached.domain
    person = parse_id_number(req["id_number"])
    provided, waive, elic, records = [], {}, set(), []
    for m in req.get("materials", []):
        if m["requirement"] == SIGNATURE:
            records.append(_signature(m, files))
        elif m.get("file"):
            f = files.get(m["file"])
            if f is None:
                raise FileMissing()
            provided.append(dsub.Provided(m["requirement"], dsub.Provision.UPLOADED, 1, f.file_format))
            records.append(_material(m["requirement"], "file", f=f))
        elif m.get("elicense"):
            elic.add(m["requirement"])
        elif m.get("waive_until"):
            waive[m["requirement"]] = date.fromisoformat(str(m["waive_until"]))
            records.append(_material(m["requirement"], "waived", waived_due=waive[m["requirement"]]))
    # From an outbox (a local code on the citizen's receipt): kept with its problems, never refused.
    answers = check_answers(cached.form, req.get("form") or {}, deferred=bool(req.get("local_code")))
    # An e-license counts only if the library really holds it for this citizen.
    types = {mat.e_license_type for mat in item.materials if mat.code in elic and mat.e_license_type in licensed}
    check = dsub.check_materials(item, provided, e_license_types=types, waive=waive, today=hall_day(now))
    for requirement, how in check.satisfied.items():
        if how == "e_license":
            records.append(_material(requirement, "elicense"))
    history = dsub.advance((), "submitted", at=now, actor=req.get("terminal_id") or "kiosk")
    target = "accepted" if check.complete else "supplement_required"
    history = dsub.advance(history, target, at=now, actor="pre-review",
                           note="；".join(check.notice_zh()) if not check.complete else "")
    due = dsub.due_dates(item, now, history=history, calendar=hall.calendar.get()) if check.complete else None
    code = _next_code(s, now)
    sub = SimpleNamespace(
        code=code.code, local_code=req.get("local_code"), item_code=item.code, ticket_id=req.get("ticket_id"),
        applicant_id_hash=hall.keyring.id_hash(person.value), applicant_id_masked=person.masked,
        applicant_name_masked=mask_name(req.get("name") or ""),
        personal_enc=hall.keyring.encrypt({"id_number": person.value, "name": req.get("name") or "",
                                           "form": answers.values, "form_problems": answers.problems}),
        status=target, terminal_id=req.get("terminal_id"),
        missing=[{"requirement": m.material_code, "name": m.name, "problem": m.problem.value,
                  "waivable": m.waivable, "zh": m.zh, "en": m.en} for m in check.missing],
        legal_due=due.legal if due else None, promised_due=due.promised if due else None,
        created_at=now, updated_at=now)
    sub.id = conn.execute(_INSERT_SUB, vars(sub)).scalar_one()
    for r in records:
        r["submission_id"] = sub.id
    if records:
        for r, (mid,) in zip(records, conn.execute(_INSERT_MAT, records).all(), strict=True):
            r["id"] = mid
    steps = [{"submission_id": sub.id, "status": h.status.value, "at": h.at, "actor": h.actor, "note": h.note}
             for h in history]
    conn.execute(_INSERT_STATUS, steps)
    tx.emit("submission.created", {"id": sub.id, "code": sub.code, "item_code": item.code, "status": target,
                                   "ticket_id": sub.ticket_id, "missing": len(check.missing)})
    # The answer from what was just written (no read-back): the same shape as GET /submissions/{code}.
    return 201, render(sub, cached.row, [SimpleNamespace(**h) for h in steps],
                       [SimpleNamespace(**r) for r in records], cached.names)


def change_status(hall: HallContext, tx: Tx, code: str, *, status: str, actor: str, note: str) -> SubmissionOut:
    """The next status (the domain's status model decides; InvalidTransition otherwise) with its history entry."""
    s, now = tx.session, datetime.now(UTC)
    sub = find(s, code)
    rows = s.scalars(select(SubmissionStatus).where(SubmissionStatus.submission_id == sub.id)
                     .order_by(SubmissionStatus.id)).all()
    history = tuple(dsub.HistoryEntry(r.at, dsub.SubmissionStatus(r.status), r.actor, r.note) for r in rows)
    new = dsub.advance(history, status, at=max(now, history[-1].at) if history else now, actor=actor, note=note)
    s.add(SubmissionStatus(submission_id=sub.id, status=new[-1].status.value, at=new[-1].at, actor=actor, note=note))
    sub.status, sub.updated_at = new[-1].status.value, now
    if sub.status == "accepted" and sub.legal_due is None:
        item = s.get(ServiceItem, sub.item_code)
        if item is not None:
            due = dsub.due_dates(domain_item(item), now, history=new, calendar=hall.calendar.get())
            sub.legal_due, sub.promised_due = due.legal, due.promised
    s.flush()
    tx.emit("submission.status", {"id": sub.id, "code": sub.code, "status": sub.status})
    return view(s, sub)


def _licensed_types(hall: HallContext, id_number: str) -> set[str]:
    try:
        return {lic.type for lic in hall.connectors.elicense.licenses_for(id_number)}
    except ELicenseUnavailable:
        return set()  # the e-licences offered count as missing: the citizen hears it, nothing is lost


def submit(hall: HallContext, body: SubmissionIn, data: Any, parts: list[Part], *, key: str | None
           ) -> tuple[int, dict[str, Any]]:
    """``POST /submissions`` after the multipart parsing: files (hashed while copied, fsynced) first,
    outside the write lock; then the rows in one transaction, once per Idempotency-Key (the key's
    payload is the ``data`` JSON plus each file's SHA-256). Blocking: call it from a worker thread."""
    o = hall.options
    files = store_all(parts, o.data_dir, max_bytes=o.max_file_bytes, budget=o.max_submission_bytes)
    licensed = _licensed_types(hall, body.id_number) if any(m.elicense for m in body.materials) else set()
    payload = {"data": data, "files": {k: v.sha256 for k, v in files.items()}}

    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        add_blobs(tx.session, files.values())
        status, out = create(hall, tx, body, files, licensed)
        return status, out.model_dump(mode="json")

    return run_idempotent(hall, scope="POST /submissions", key=key, payload=payload, action=action)


def forget_item(code: str) -> None:
    """Drop ``code`` from this process's item cache (the admin tab changed it; other replicas follow
    within ``_ITEM_TTL_S``)."""
    _ITEMS.pop(code, None)
