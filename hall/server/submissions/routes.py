"""Submissions with multipart materials, progress by code, status changes, files, e-licenses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from hall.server.audit import service as audit
from hall.server.auth.deps import ClerkRole, HallDep, TerminalRole
from hall.server.connectors.elicense import ELicenseUnavailable
from hall.server.core.context import HallContext
from hall.server.core.http_errors import ApiError
from hall.server.core.idempotency import run_idempotent
from hall.server.core.schemas import ERRORS, MAX_ID, DbId
from hall.server.domain.identity import parse_id_number
from hall.server.submissions import review as review_svc
from hall.server.submissions import service as svc
from hall.server.submissions.models import Blob, Submission, SubmissionMaterial
from hall.server.submissions.uploads import StoredFile, blob_path, store

router = APIRouter(tags=["submissions"], responses={**ERRORS, 413: ERRORS[422], 415: ERRORS[422]})
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)]


class MaterialIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    requirement: str = Field(min_length=1, max_length=64)
    file: str | None = Field(default=None, max_length=64)
    elicense: bool = False
    waive_until: date | None = None


class SubmissionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_code: str = Field(min_length=1, max_length=32)
    id_number: str = Field(min_length=15, max_length=18, repr=False)
    name: str = Field(default="", max_length=64, repr=False)
    form: dict[str, Any] = Field(default_factory=dict, repr=False)
    materials: list[MaterialIn] = Field(default_factory=list, max_length=60)
    ticket_id: DbId | None = None
    local_code: str | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    terminal_id: str | None = Field(default=None, max_length=32)


StatusName = Literal["submitted", "accepted", "supplement_required", "in_review", "approved", "rejected",
                     "result_ready", "delivered"]


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: StatusName
    note: str = Field(default="", max_length=500)


class VerdictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: DbId
    verdict: Literal["accepted", "missing", "pending"]
    note: str = Field(default="", max_length=200)


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    materials: list[VerdictIn] = Field(default_factory=list, max_length=60)
    status: StatusName | None = None
    note: str = Field(default="", max_length=500)


class ELicenseQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_number: str = Field(min_length=15, max_length=18, repr=False)


def _check_filename(filename: str | None) -> None:
    """The name never reaches the disk, but a name with a path in it is an attack or a broken client:
    say so instead of quietly storing the file."""
    if filename and (any(c in filename for c in "/\\") or filename in (".", "..") or not filename.isprintable()):
        raise ApiError(422, "upload.bad_filename", "a file name must be a plain name, without a path")


def _store_all(hall: HallContext, parts: list[tuple[str, UploadFile]]) -> dict[str, StoredFile]:
    o, files = hall.options, {}
    budget = o.max_submission_bytes
    for name, part in parts:
        _check_filename(part.filename)
        stored = store(part.file, o.data_dir, max_bytes=o.max_file_bytes, budget=budget)
        budget -= stored.size
        files[name] = stored
    return files


def _licensed_types(hall: HallContext, id_number: str) -> set[str]:
    try:
        return {lic.type for lic in hall.connectors.elicense.licenses_for(id_number)}
    except ELicenseUnavailable:
        return set()


@router.post("/submissions", status_code=201, openapi_extra={"requestBody": {"content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["data"], "properties": {
        "data": {"type": "string", "description": "SubmissionIn as JSON"}}}}}}})
async def create_submission(request: Request, hall: HallDep, who: TerminalRole, key: IdemKey = None
                            ) -> JSONResponse:
    """Multipart: a ``data`` part (JSON) plus one part per file named in ``materials[].file``."""
    o = hall.options
    declared = int(request.headers.get("content-length") or 0)
    if declared > o.max_submission_bytes + 1024 * 1024:
        raise ApiError(413, "upload.submission_too_large", "the submission's files are too large")
    try:
        form = await request.form(max_files=o.max_files, max_fields=20, max_part_size=1024 * 1024)
    except Exception as exc:
        raise ApiError(422, "submission.bad_multipart", "expected multipart/form-data") from exc
    raw = form.get("data")
    if not isinstance(raw, str):
        raise ApiError(422, "submission.data_missing", "a 'data' part with JSON is required")
    try:
        req = SubmissionIn.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ApiError(422, "validation", f"data.{'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    parse_id_number(req.id_number)
    parts = [(name, part) for name, part in form.multi_items() if isinstance(part, UploadFile)]
    data = json.loads(raw)

    def store_and_create() -> tuple[int, dict[str, Any]]:
        # One worker-thread hop for the blocking part: files (hashed while copied, fsynced) first,
        # outside the write lock; then the rows in one transaction.
        files = _store_all(hall, parts)
        licensed = _licensed_types(hall, req.id_number) if any(m.elicense for m in req.materials) else set()
        payload = {"data": data, "files": {k: v.sha256 for k, v in files.items()}}

        def action(tx: Any) -> tuple[int, dict[str, Any]]:
            _add_blobs(tx.session, files.values())
            return svc.create(hall, tx, req.model_dump(mode="json"), files, licensed)

        return run_idempotent(hall, scope="POST /submissions", key=key, payload=payload, action=action)

    status, out = await asyncio.to_thread(store_and_create)
    return JSONResponse(out, status_code=status)


# Built once per dialect: a statement rebuilt with literal rows on every upload is compiled every time.
_ADD_BLOB = {name: ins(Blob.__table__).on_conflict_do_nothing(index_elements=["sha256"])
             for name, ins in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}


def _add_blobs(session: Session, files: Iterable[StoredFile]) -> None:
    """Blob rows for the stored files; a file already known (same content) is left as it is."""
    now = datetime.now(UTC)
    rows = {f.sha256: {"sha256": f.sha256, "content_type": f.content_type, "size": f.size, "created_at": now}
            for f in files}
    if not rows:
        return
    conn = session.connection()
    conn.execute(_ADD_BLOB[conn.dialect.name], list(rows.values()))


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id_number: str = Field(min_length=15, max_length=18, repr=False)


@router.post("/submissions/lookup")
def lookup(body: LookupIn, hall: HallDep, who: TerminalRole) -> dict[str, Any]:
    """The citizen's own cases (newest first, at most 50) with status history, found by the ID number
    in the body (never in a URL). Nothing of anyone else; only masked applicant fields."""
    person = parse_id_number(body.id_number)
    id_hash = hall.keyring.id_hash(person.value)
    with hall.db.read() as s:
        rows = s.scalars(select(Submission).where(Submission.applicant_id_hash == id_hash)
                         .order_by(Submission.id.desc()).limit(50)).all()
        items = [svc.view(s, r) for r in rows]
    audit.record_now(hall, who, "submission.lookup", f"{len(items)} cases")
    return {"id_masked": person.masked, "items": items}


@router.get("/submissions/{code}")
def progress(code: str, hall: HallDep, who: TerminalRole) -> dict[str, Any]:
    """Progress by registration code or the terminal's local (offline) code; no personal data."""
    with hall.db.read() as s:
        return svc.view(s, svc.find(s, code))


@router.get("/submissions")
def by_ticket(ticket_id: Annotated[int, Query(ge=1, le=MAX_ID)], hall: HallDep, who: ClerkRole) -> list[dict[str, Any]]:
    with hall.db.read() as s:
        rows = s.scalars(select(Submission).where(Submission.ticket_id == ticket_id)).all()
        out = [svc.view(s, r, personal=hall.keyring.decrypt(r.personal_enc)) for r in rows]
    if out:
        audit.record_now(hall, who, "submission.open", f"ticket {ticket_id}", " ".join(r["code"] for r in out))
    return out


@router.get("/submissions/{code}/detail")
def detail(code: str, hall: HallDep, who: ClerkRole) -> dict[str, Any]:
    """For the clerk at the counter: applicant name, masked ID and form data (decrypted)."""
    with hall.db.read() as s:
        sub = svc.find(s, code)
        out = svc.view(s, sub, personal=hall.keyring.decrypt(sub.personal_enc))
    audit.record_now(hall, who, "submission.open", f"submission {sub.code}")
    return out


@router.post("/submissions/{code}/status")
def set_status(code: str, body: StatusIn, hall: HallDep, who: ClerkRole) -> dict[str, Any]:
    with hall.unit() as tx:
        out = svc.change_status(hall, tx, code, status=body.status, actor=who.name, note=body.note)
        audit.record(tx.session, who, "submission.status", f"submission {out['code']}", body.status)
        return out


@router.post("/submissions/{code}/review")
def review(code: str, body: ReviewIn, hall: HallDep, who: ClerkRole, key: IdemKey = None) -> JSONResponse:
    """The clerk's verdict per material (accepted / missing with a note), optionally with the next status;
    missing ones join the case's missing list and the status note. Returns the clerk's detail view."""
    def action(tx: Any) -> tuple[int, dict[str, Any]]:
        out = review_svc.review(hall, tx, code, [v.model_dump() for v in body.materials], actor=who.name,
                                status=body.status, note=body.note)
        marks = ",".join(f"{v.id}:{v.verdict}" for v in body.materials)
        audit.record(tx.session, who, "submission.review", f"submission {out['code']}",
                     f"{marks} {body.status or ''}".strip())
        return 200, out

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
        raise ApiError(404, "file.not_found", "no such file")
    audit.record_now(hall, who, "material.open", f"submission {owner or '-'}", f"file {sha256[:16]}")
    return FileResponse(path, media_type=blob.content_type)


@router.post("/elicenses/query")
def query_elicenses(body: ELicenseQuery, hall: HallDep, who: TerminalRole) -> dict[str, Any]:
    """Certificates the e-license library holds for this citizen (POST keeps the ID out of URLs and logs)."""
    person = parse_id_number(body.id_number)
    found = hall.connectors.elicense.licenses_for(person.value)  # ELicenseUnavailable: 503, ask for paper
    return {"id_masked": person.masked, "licenses": [vars(lic) for lic in found]}
