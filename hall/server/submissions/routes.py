"""Submissions with multipart materials, progress by code, status changes, files, e-licences."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import ValidationError
from sqlalchemy import select
from starlette.datastructures import UploadFile

from hall.server.audit import service as audit
from hall.server.auth.deps import ClerkRole, HallDep, TerminalRole
from hall.server.auth.scope import for_terminal
from hall.server.core.context import Tx
from hall.server.core.http_errors import request_invalid
from hall.server.core.idempotency import run_idempotent
from hall.server.core.params import IdemKey
from hall.server.core.schemas import ERRORS, MAX_ID
from hall.server.domain.hallday import hall_day
from hall.server.domain.identity import parse_credit_code, parse_id_number
from hall.server.identity import proofs
from hall.server.submissions import review as review_svc
from hall.server.submissions import service as svc
from hall.server.submissions.deadlines import deadlines
from hall.server.submissions.errors import (
    BadMultipart,
    CompanyNotFound,
    DataMissing,
    FileNotFound,
    SubmissionTooLarge,
)
from hall.server.submissions.models import Blob, Submission, SubmissionMaterial
from hall.server.submissions.schemas import (
    CompanyOut,
    CompanyQuery,
    DeadlineOut,
    ELicenseQuery,
    ELicensesOut,
    LicenseOut,
    LookupIn,
    LookupOut,
    ReviewIn,
    StatusIn,
    SubmissionDetailOut,
    SubmissionIn,
    SubmissionOut,
)
from hall.server.submissions.uploads import Part, blob_path
from hall.server.submissions.views import detail as detail_view
from hall.server.submissions.views import view, without_free_text

router = APIRouter(tags=["submissions"], responses={**ERRORS, 413: ERRORS[422], 415: ERRORS[422]})
_MULTIPART = {"requestBody": {"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["data"], "properties": {
        "data": {"type": "string", "description": "SubmissionIn as JSON"}}}}}}}


@router.post("/submissions", status_code=201, response_model=SubmissionOut, openapi_extra=_MULTIPART)
async def create_submission(request: Request, hall: HallDep, who: TerminalRole, key: IdemKey = None
                            ) -> JSONResponse:
    """Multipart: a ``data`` part (JSON) plus one part per file named in ``materials[].file``."""
    o = hall.options
    declared = int(request.headers.get("content-length") or 0)
    if declared > o.max_submission_bytes + 1024 * 1024:
        raise SubmissionTooLarge()
    try:
        form = await request.form(max_files=o.max_files, max_fields=20, max_part_size=1024 * 1024)
    except Exception as exc:
        raise BadMultipart() from exc
    raw = form.get("data")
    if not isinstance(raw, str):
        raise DataMissing()
    try:
        body = SubmissionIn.model_validate_json(raw)
    except ValidationError as exc:
        raise request_invalid(exc.errors(), prefix="data") from None
    parse_id_number(body.id_number)
    # An application in a person's name: proven by card, 亮码 or face, never by a typed number.
    proofs.verify(hall, who, body.proof, id_number=body.id_number, for_submission=True)
    # A kiosk token submits as its own terminal; one token never uses up the day's registration codes.
    body = body.model_copy(update={"terminal_id": for_terminal(who, body.terminal_id)})
    hall.limits.charge_day(who, what="submissions", key="", day=hall_day(datetime.now(UTC)).isoformat())
    parts = [Part(name, part.filename, part.file) for name, part in form.multi_items() if isinstance(part, UploadFile)]
    # One worker-thread hop for the blocking part (files, then the rows).
    status, out = await asyncio.to_thread(svc.submit, hall, body, json.loads(raw), parts, key=key)
    return JSONResponse(out, status_code=status)


@router.post("/submissions/lookup", response_model=LookupOut)
def lookup(body: LookupIn, hall: HallDep, who: TerminalRole) -> LookupOut:
    """The citizen's own cases (newest first, at most 50) with status history, found by the ID number
    in the body (never in a URL). Nothing of anyone else; only masked applicant fields."""
    person = parse_id_number(body.id_number)
    method = proofs.verify(hall, who, body.proof, id_number=person.value)
    id_hash = hall.keyring.id_hash(person.value)
    with hall.db.read() as s:
        rows = s.scalars(select(Submission).where(Submission.applicant_id_hash == id_hash)
                         .order_by(Submission.id.desc()).limit(50)).all()
        items = [view(s, r) for r in rows]
    audit.record_now(hall, who, "submission.lookup", f"{len(items)} cases", f"proof {method}")
    return LookupOut(id_masked=person.masked, items=items)


# Roles that see staff notes in a case's progress (terminals get the case without them).
_STAFF = frozenset({"clerk", "counter", "manager", "admin"})


@router.get("/submissions/{code}", response_model=SubmissionOut)
def progress(code: str, hall: HallDep, who: TerminalRole) -> SubmissionOut:
    """Progress by registration code or the terminal's local (offline) code; no personal data, and for a
    terminal no free text either (clerks' notes may name people): status, dates, what is missing."""
    with hall.db.read() as s:
        out = view(s, svc.find(s, code))
    return out if who.role in _STAFF else without_free_text(out)


@router.get("/submissions", response_model=list[SubmissionDetailOut])
def by_ticket(ticket_id: Annotated[int, Query(ge=1, le=MAX_ID)], hall: HallDep, who: ClerkRole
              ) -> list[SubmissionDetailOut]:
    with hall.db.read() as s:
        rows = s.scalars(select(Submission).where(Submission.ticket_id == ticket_id)).all()
        calendar = hall.calendar.get()
        out = [detail_view(s, r, hall.keyring.decrypt(r.personal_enc), calendar=calendar) for r in rows]
    if out:
        audit.record_now(hall, who, "submission.open", f"ticket {ticket_id}", " ".join(r.code for r in out))
    return out


@router.get("/deadlines", response_model=list[DeadlineOut])
def due_soon(hall: HallDep, who: ClerkRole, soon_days: Annotated[int, Query(ge=0, le=30)] = 2
             ) -> list[DeadlineOut]:
    """Applications whose time limit is past or within ``soon_days`` working days (the hall's calendar)."""
    return deadlines(hall, soon_days=soon_days)


@router.get("/submissions/{code}/detail", response_model=SubmissionDetailOut)
def detail(code: str, hall: HallDep, who: ClerkRole) -> SubmissionDetailOut:
    """For the clerk at the counter: applicant name, masked ID and form data (decrypted)."""
    with hall.db.read() as s:
        sub = svc.find(s, code)
        out = detail_view(s, sub, hall.keyring.decrypt(sub.personal_enc), calendar=hall.calendar.get())
    audit.record_now(hall, who, "submission.open", f"submission {sub.code}")
    return out


@router.post("/submissions/{code}/status", response_model=SubmissionOut)
def set_status(code: str, body: StatusIn, hall: HallDep, who: ClerkRole) -> SubmissionOut:
    with hall.unit() as tx:
        out = svc.change_status(hall, tx, code, status=body.status, actor=who.name, note=body.note)
        audit.record(tx.session, who, "submission.status", f"submission {out.code}", body.status)
        return out


@router.post("/submissions/{code}/review", response_model=SubmissionDetailOut)
def review(code: str, body: ReviewIn, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> JSONResponse:
    """The clerk's verdict per material (accepted / missing with a note), optionally with the next status;
    missing ones join the case's missing list and the status note. Returns the clerk's detail view."""
    def action(tx: Tx) -> tuple[int, dict[str, Any]]:
        out = review_svc.review(hall, tx, code, body.materials, actor=who.name, status=body.status, note=body.note)
        marks = ",".join(f"{v.id}:{v.verdict}" for v in body.materials)
        audit.record(tx.session, who, "submission.review", f"submission {out.code}",
                     f"{marks} {body.status or ''}".strip())
        return 200, out.model_dump(mode="json")

    status, out = run_idempotent(hall, scope=f"review {code}", key=key, payload=body.model_dump(mode="json"),
                                 action=action)
    return JSONResponse(out, status_code=status)


@router.get("/files/{sha256}", response_class=FileResponse)
def file(sha256: str, hall: HallDep, who: ClerkRole) -> FileResponse:
    with hall.db.read() as s:
        blob = s.get(Blob, sha256)
        owner = s.scalar(select(Submission.code).join(SubmissionMaterial, SubmissionMaterial.submission_id ==
                                                      Submission.id).where(SubmissionMaterial.blob_sha256 == sha256)
                         .limit(1)) if blob is not None else None
    path = blob_path(hall.options.data_dir, sha256)
    if blob is None or not path.exists():
        raise FileNotFound()
    audit.record_now(hall, who, "material.open", f"submission {owner or '-'}", f"file {sha256[:16]}")
    # A download, never a page: the browser must neither sniff the bytes nor show them inline.
    ext = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(blob.content_type, "bin")
    return FileResponse(path, media_type=blob.content_type, headers={
        "X-Content-Type-Options": "nosniff", "Content-Disposition": f'attachment; filename="{sha256}.{ext}"'})


@router.post("/elicenses/query", response_model=ELicensesOut)
def query_elicenses(body: ELicenseQuery, hall: HallDep, who: TerminalRole) -> ELicensesOut:
    """Certificates the e-licence library holds for this citizen (POST keeps the ID out of URLs and logs)."""
    person = parse_id_number(body.id_number)
    proofs.verify(hall, who, body.proof, id_number=person.value)
    found = hall.connectors.elicense.licenses_for(person.value)  # ELicenseUnavailable: 503, ask for paper
    return ELicensesOut(id_masked=person.masked, licenses=[LicenseOut(**vars(lic)) for lic in found])


@router.post("/elicenses/company", response_model=CompanyOut)
def query_company(body: CompanyQuery, hall: HallDep, who: TerminalRole) -> CompanyOut:
    """A legal person's name, legal representative and licences by 统一社会信用代码, to prefill the company
    block of a form. Asked for a person who proved who they are (POST: nothing in URLs); the legal
    representative's name is never logged. 422 for a code with a wrong check character, 404
    ``elicense.company_not_found``, 503 ``elicense.unavailable`` (the kiosk lets the citizen type it)."""
    code = parse_credit_code(body.credit_code)
    person = parse_id_number(body.id_number)
    proofs.verify(hall, who, body.proof, id_number=person.value)
    found = hall.connectors.elicense.company(code)
    audit.record_now(hall, who, "elicense.company", f"credit code {code}", "found" if found else "not found")
    if found is None:
        raise CompanyNotFound()
    return CompanyOut(credit_code=found.credit_code, company_name=found.company_name,
                      legal_representative=found.legal_representative,
                      licenses=[LicenseOut(**vars(lic)) for lic in found.licenses])
