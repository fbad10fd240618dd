"""Follow-ups (help calls, 办不成事, emergency alerts, low ratings): the one view and the one way to
acknowledge or close them, used by ``/api/v1/followups/…`` and the dashboard's own routes alike.
A low rating's 差评整改 stages are moved by :mod:`hall.server.feedback.rectify`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.server.audit import service as audit
from hall.server.core.context import HallContext, Tx
from hall.server.domain import rectification as rect
from hall.server.domain.evaluations import REASON_TEXTS, BadReason
from hall.server.feedback.errors import FollowUpClosed, FollowUpNotFound
from hall.server.feedback.models import Evaluation, FollowUp, FollowUpStep
from hall.server.feedback.schemas import FollowUpOut, RatingOut, StepOut
from hall.server.submissions.models import Submission
from hall.server.tickets.models import Ticket


def _reason_text(code: str) -> list[str]:
    try:
        return list(REASON_TEXTS[BadReason(code)])
    except ValueError:
        return [code, code]


def _rating(ev: Evaluation) -> RatingOut:
    reasons = list(ev.reasons or [])
    return RatingOut(level=ev.level, reasons=reasons, reason_texts=[_reason_text(r) for r in reasons],
                     comment=ev.comment, window=ev.window, clerk=ev.clerk, item_code=ev.item_code,
                     case_code=ev.case_code)


def step_view(st: FollowUpStep) -> StepOut:
    zh, en = rect.stage_names(st.stage_to)
    return StepOut(stage_from=st.stage_from, stage=st.stage_to, stage_zh=zh, stage_en=en, who=st.actor, at=st.at,
                   note=st.note)


def followup_view(f: FollowUp, ticket: Ticket | None = None, ev: Evaluation | None = None, *,
                  steps: Sequence[FollowUpStep] = (), sub: Submission | None = None,
                  now: datetime | None = None) -> FollowUpOut:
    stage = rect.Stage(f.stage) if f.stage else None
    overdue = stage is not None and f.status != "closed" and rect.is_overdue(f.due_at, stage, now or datetime.now(UTC))
    return FollowUpOut(id=f.id, kind=f.kind, status=f.status, window=f.window, terminal_id=f.terminal_id,
                       ticket_id=f.ticket_id, evaluation_id=f.evaluation_id,
                       ticket_number=ticket.number if ticket else None, message=f.message, note=f.note,
                       created_at=f.created_at, acknowledged_at=f.acknowledged_at, closed_at=f.closed_at,
                       rating=None if ev is None else _rating(ev),
                       stage=stage.value if stage else None, stage_zh=stage.zh if stage else None,
                       stage_en=stage.en if stage else None, due_at=f.due_at, overdue=overdue,
                       steps=[step_view(st) for st in steps], clerk=ticket.clerk if ticket else None,
                       item_code=sub.item_code if sub else None,
                       case_code=sub.code if sub else (ev.submission_code if ev else None),
                       has_contact=bool(ev is not None and ev.contact_enc))


def views(s: Session, rows: Iterable[FollowUp], *, now: datetime | None = None) -> list[FollowUpOut]:
    """Views of ``rows`` in their order, with ticket, rating, steps and application loaded in a few queries."""
    rows = list(rows)
    if not rows:
        return []
    evs = {e.id: e for e in s.scalars(select(Evaluation).where(
        Evaluation.id.in_([f.evaluation_id for f in rows if f.evaluation_id] or [-1])))}
    ticket_ids = {f.ticket_id for f in rows if f.ticket_id} | {e.ticket_id for e in evs.values() if e.ticket_id}
    tickets = {t.id: t for t in s.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids or [-1])))}
    steps: dict[int, list[FollowUpStep]] = {}
    for st in s.scalars(select(FollowUpStep).where(FollowUpStep.followup_id.in_([f.id for f in rows]))
                        .order_by(FollowUpStep.id)):
        steps.setdefault(st.followup_id, []).append(st)
    codes = {e.submission_code for e in evs.values() if e.submission_code}
    subs_by_code: dict[str, Submission] = {}
    subs_by_ticket: dict[int, Submission] = {}
    if codes or ticket_ids:
        for found in s.scalars(select(Submission).where(Submission.code.in_(codes or [""]) |
                                                        Submission.ticket_id.in_(ticket_ids or [-1]))):
            subs_by_code[found.code] = found
            if found.ticket_id is not None:
                subs_by_ticket.setdefault(found.ticket_id, found)
    out = []
    for f in rows:
        ev = evs.get(f.evaluation_id or -1)
        tid = f.ticket_id or (ev.ticket_id if ev else None)
        sub: Submission | None = subs_by_code.get(ev.submission_code) if ev and ev.submission_code else None
        sub = sub or subs_by_ticket.get(tid or -1)
        out.append(followup_view(f, tickets.get(tid or -1), ev, steps=steps.get(f.id, ()), sub=sub, now=now))
    return out


def one_view(s: Session, f: FollowUp) -> FollowUpOut:
    return views(s, [f])[0]


def open_followup(tx: Tx, event: str, *, step_note: str = "", **fields: object) -> FollowUpOut:
    """A new open follow-up, announced as ``event`` (every dashboard hears it at once). One with a ``stage``
    (a low rating) starts its 整改台账 with that stage and ``step_note`` (else its message)."""
    now = datetime.now(UTC)
    f = FollowUp(status="open", created_at=now, **fields)
    tx.session.add(f)
    tx.session.flush()
    if f.stage:
        tx.session.add(FollowUpStep(followup_id=f.id, stage_from=None, stage_to=f.stage, actor="好差评系统", at=now,
                                    note=step_note or f.message))
        tx.session.flush()
    view = one_view(tx.session, f)
    tx.emit(event, view.model_dump(mode="json"))
    return view


def change(hall: HallContext, fid: int, *, status: str, note: str, who: audit.Actor) -> FollowUpOut:
    """Acknowledge (seen, someone is on it) or close a follow-up. The note is appended as ``name: note``
    (the record of who did what); closing also acknowledges. Raises FollowUpNotFound, FollowUpClosed."""
    now = datetime.now(UTC)
    with hall.unit() as tx:
        f = tx.session.get(FollowUp, fid)
        if f is None:
            raise FollowUpNotFound()
        if f.status == "closed":
            raise FollowUpClosed()
        note = note.strip()
        if note:
            f.note = (f.note + "\n" if f.note else "") + f"{who.name}: {note}"
        if f.acknowledged_at is None:
            f.acknowledged_at = now
        f.status = status
        if status == "closed":
            f.closed_at = now
            if f.stage:  # a low rating closed outright: the ledger keeps the step
                tx.session.add(FollowUpStep(followup_id=f.id, stage_from=f.stage, stage_to="closed",
                                            actor=who.name[:64], at=now, note=note))
        tx.session.flush()
        audit.record(tx.session, who, "followup.close" if status == "closed" else "followup.acknowledge",
                     f"followup {f.id}", f.kind)
        view = one_view(tx.session, f)
        tx.emit("followup.changed", view.model_dump(mode="json"))
    return view
