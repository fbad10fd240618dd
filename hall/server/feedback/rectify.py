"""差评整改 to the end: move a low rating's follow-up through its stages (who, when, note), show the citizen's
call-back phone to a manager (audited), and raise an alert once for each follow-up past its deadline."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hall.server.audit import service as audit
from hall.server.core.context import HallContext
from hall.server.domain import evaluations as dev
from hall.server.domain import rectification as rect
from hall.server.feedback.errors import FollowUpClosed, FollowUpNotFound, NoContact, NotALowRating
from hall.server.feedback.followups import one_view, views
from hall.server.feedback.models import Evaluation, FollowUp, FollowUpStep
from hall.server.feedback.schemas import CallbackPhoneOut, FollowUpOut
from hall.server.submissions.models import Submission

log = logging.getLogger(__name__)

OVERDUE_EVENT = "alert.followup_overdue"


def item_for(hall: HallContext, ev: dev.Evaluation) -> dev.FollowUp | None:
    """The follow-up a low rating opens, due in 5 working days by the hall's holiday calendar (None: not low)."""
    return dev.follow_up_for(ev, calendar=hall.calendar.get())


def move(hall: HallContext, fid: int, *, stage: str, note: str, who: audit.Actor) -> FollowUpOut:
    """One step (待核实 → 整改中 → 已整改 → 已回访, or 待核实 → 不属实), recorded with who, when and the note.
    Raises FollowUpNotFound, NotALowRating, FollowUpClosed, UnknownStage, BadStep, StepNoteRequired."""
    target = rect.parse_stage(stage)
    now = datetime.now(UTC)
    with hall.unit() as tx:
        f = tx.session.get(FollowUp, fid)
        if f is None:
            raise FollowUpNotFound()
        if f.kind != "low_rating" or not f.stage:
            raise NotALowRating()
        if f.status == "closed":
            raise FollowUpClosed()
        current = rect.Stage(f.stage)
        rect.step(current, target, note)
        f.stage = target.value
        f.status = rect.STATUS_OF[target]
        f.acknowledged_at = f.acknowledged_at or now
        if target.done:
            f.closed_at = now
        tx.session.add(FollowUpStep(followup_id=f.id, stage_from=current.value, stage_to=target.value,
                                    actor=who.name[:64], at=now, note=note.strip()))
        tx.session.flush()
        audit.record(tx.session, who, "followup.step", f"followup {f.id}", f"{current.value}->{target.value}")
        view = one_view(tx.session, f)
        tx.emit("followup.changed", view.model_dump(mode="json"))
    return view


def callback_phone(hall: HallContext, fid: int, *, who: audit.Actor) -> CallbackPhoneOut:
    """The phone to call the citizen back on: the one left with the rating, else the application's form
    ``phone``. Every read is audited (who, which follow-up; never the number). Raises FollowUpNotFound,
    NoContact."""
    with hall.db.read() as s:
        f = s.get(FollowUp, fid)
        if f is None:
            raise FollowUpNotFound()
        ev = s.get(Evaluation, f.evaluation_id) if f.evaluation_id else None
        phone, source = "", ""
        if ev is not None and ev.contact_enc:
            phone, source = str(hall.keyring.decrypt(ev.contact_enc).get("phone") or ""), "rating"
        if not phone:
            ticket_id = f.ticket_id or (ev.ticket_id if ev else None)
            q = select(Submission.personal_enc)
            if ev is not None and ev.submission_code:
                q = q.where(Submission.code == ev.submission_code)
            elif ticket_id is not None:
                q = q.where(Submission.ticket_id == ticket_id)
            else:
                q = q.where(Submission.id == -1)
            for blob in s.scalars(q.limit(1)):
                form = hall.keyring.decrypt(blob).get("form") or {}
                phone, source = str(form.get("phone") or form.get("mobile") or ""), "application"
    if not phone:
        raise NoContact()
    audit.record_now(hall, who, "followup.callback_phone", f"followup {fid}", source)
    return CallbackPhoneOut(followup_id=fid, phone=phone, source=source)


def sweep_overdue(hall: HallContext, now: datetime | None = None) -> list[FollowUpOut]:
    """Raise ``alert.followup_overdue`` once for each follow-up past its deadline and not finished (the
    dashboard shows it as an alert; the follow-up keeps ``overdue``). Returns those newly raised."""
    now = now or datetime.now(UTC)
    with hall.unit() as tx:
        due = list(tx.session.scalars(select(FollowUp.id).where(
            FollowUp.kind == "low_rating", FollowUp.status != "closed", FollowUp.due_at.is_not(None),
            FollowUp.due_at <= now, FollowUp.overdue_alerted_at.is_(None)).limit(200)))
        # Claimed one by one with a conditional UPDATE: of two replicas sweeping at once, one raises each alert.
        mine = [fid for fid in due if _claim(tx.session, fid, now)]
        rows = list(tx.session.scalars(select(FollowUp).where(FollowUp.id.in_(mine or [-1])).order_by(FollowUp.id)))
        raised = views(tx.session, rows, now=now)
        for v in raised:
            tx.emit(OVERDUE_EVENT, v.model_dump(mode="json"))
    if raised:
        log.warning("%d follow-up(s) past their deadline", len(raised))
    return raised


OVERDUE_SWEEP_S = 60.0


def _claim(session: Session, fid: int, now: datetime) -> bool:
    done = session.execute(update(FollowUp).where(FollowUp.id == fid, FollowUp.overdue_alerted_at.is_(None))
                           .values(overdue_alerted_at=now).execution_options(synchronize_session=False))
    return bool(done.rowcount)  # type: ignore[attr-defined]


async def overdue_task(hall: HallContext, interval_s: float = OVERDUE_SWEEP_S) -> None:
    """Every minute: :func:`sweep_overdue` (a failure is logged; the loop goes on)."""
    import asyncio

    while True:
        try:
            await asyncio.to_thread(sweep_overdue, hall)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a DB hiccup must not end the sweep; it is logged
            log.warning("overdue follow-up sweep failed: %s", exc.__class__.__name__)
        await asyncio.sleep(interval_s)
