"""Follow-ups (help calls, 办不成事, emergency alerts, low ratings): the one view and the one way to
acknowledge or close them, used by ``/api/v1/followups/…`` and the dashboard's own routes alike."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hall.server.audit import service as audit
from hall.server.core.context import HallContext
from hall.server.core.http_errors import ApiError
from hall.server.domain.evaluations import REASON_TEXTS, BadReason
from hall.server.feedback.models import Evaluation, FollowUp
from hall.server.tickets.models import Ticket


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def _reason_text(code: str) -> list[str]:
    try:
        return list(REASON_TEXTS[BadReason(code)])
    except ValueError:
        return [code, code]


def followup_view(f: FollowUp, ticket: Ticket | None = None, ev: Evaluation | None = None) -> dict[str, Any]:
    return {"id": f.id, "kind": f.kind, "status": f.status, "window": f.window, "terminal_id": f.terminal_id,
            "ticket_id": f.ticket_id, "evaluation_id": f.evaluation_id,
            "ticket_number": ticket.number if ticket else None, "message": f.message, "note": f.note,
            "created_at": _iso(f.created_at), "acknowledged_at": _iso(f.acknowledged_at),
            "closed_at": _iso(f.closed_at),
            "rating": None if ev is None else {"level": ev.level, "reasons": list(ev.reasons or []),
                                               "reason_texts": [_reason_text(r) for r in ev.reasons or []],
                                               "comment": ev.comment, "window": ev.window}}


def change(hall: HallContext, fid: int, *, status: str, note: str, who: audit.Actor) -> dict[str, Any]:
    """Acknowledge (seen, someone is on it) or close a follow-up. The note is appended as ``name: note``
    (the record of who did what); closing also acknowledges. Raises ApiError 404 / 409 ``followup.closed``."""
    now = datetime.now(UTC)
    with hall.unit() as tx:
        f = tx.session.get(FollowUp, fid)
        if f is None:
            raise ApiError(404, "followup.not_found", "no such follow-up")
        if f.status == "closed":
            raise ApiError(409, "followup.closed", "this follow-up is already closed")
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
        tx.emit("followup.changed", view)
    return view
