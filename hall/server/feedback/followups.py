"""Follow-ups (help calls, 办不成事, emergency alerts, low ratings): the one view and the one way to
acknowledge or close them, used by ``/api/v1/followups/…`` and the dashboard's own routes alike."""

from __future__ import annotations

from datetime import UTC, datetime

from hall.server.audit import service as audit
from hall.server.core.context import HallContext, Tx
from hall.server.domain.evaluations import REASON_TEXTS, BadReason
from hall.server.feedback.errors import FollowUpClosed, FollowUpNotFound
from hall.server.feedback.models import Evaluation, FollowUp
from hall.server.feedback.schemas import FollowUpOut, RatingOut
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


def followup_view(f: FollowUp, ticket: Ticket | None = None, ev: Evaluation | None = None) -> FollowUpOut:
    return FollowUpOut(id=f.id, kind=f.kind, status=f.status, window=f.window, terminal_id=f.terminal_id,
                       ticket_id=f.ticket_id, evaluation_id=f.evaluation_id,
                       ticket_number=ticket.number if ticket else None, message=f.message, note=f.note,
                       created_at=f.created_at, acknowledged_at=f.acknowledged_at, closed_at=f.closed_at,
                       rating=None if ev is None else _rating(ev))


def open_followup(tx: Tx, event: str, **fields: object) -> FollowUpOut:
    """A new open follow-up, announced as ``event`` (every dashboard hears it at once)."""
    f = FollowUp(status="open", created_at=datetime.now(UTC), **fields)
    tx.session.add(f)
    tx.session.flush()
    view = followup_view(f)
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
        tx.session.flush()
        audit.record(tx.session, who, "followup.close" if status == "closed" else "followup.acknowledge",
                     f"followup {f.id}", f.kind)
        view = followup_view(f)
        tx.emit("followup.changed", view.model_dump(mode="json"))
    return view
