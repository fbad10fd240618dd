"""Evaluations (好差评: levels 1–2 need reasons and open a low-rating follow-up), help calls, alerts."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hall.server.auth.cache import Principal
from hall.server.core.context import HallContext, Tx
from hall.server.core.security import Keyring
from hall.server.domain import evaluations as dev
from hall.server.domain import rectification as rect
from hall.server.feedback import rating
from hall.server.feedback.followups import open_followup, views
from hall.server.feedback.models import Evaluation, FollowUp
from hall.server.feedback.schemas import AlertIn, EvaluationIn, EvaluationOut, FollowUpOut, HelpIn

log = logging.getLogger(__name__)

FOLLOWUP_LIMIT = 500


def checked(body: EvaluationIn, now: datetime) -> dev.Evaluation:
    """The rating as the domain accepts it, before any write. Raises the domain's InvalidEvaluation."""
    return dev.validate_evaluation(level=body.level, reasons=body.reasons, comment=body.comment,
                                   ticket_id=body.ticket_id or body.rating_code,
                                   submission_id=body.submission_code, at=now,
                                   window=str(body.window) if body.window else None)


def evaluate(tx: Tx, body: EvaluationIn, ev: dev.Evaluation, now: datetime, *, who: Principal,
             keyring: Keyring, item: dev.FollowUp | None = None, contact_enc: bytes | None = None) -> EvaluationOut:
    """Store a checked rating (:func:`checked`) of the one service it names, once; a low one opens a
    follow-up for the manager naming window, clerk, item and case, 待核实 and due as ``item`` says
    (:func:`hall.server.feedback.rectify.item_for`); ``contact_enc``: the encrypted call-back phone. Raises
    the refusals of :func:`hall.server.feedback.rating.service_for` (DuplicateEvaluation also when two race)."""
    found = rating.service_for(tx.session, keyring, who, ticket_id=body.ticket_id, rating_code=body.rating_code,
                               submission_code=body.submission_code)
    window = found.window if found.ticket_id is not None else body.window
    row = Evaluation(level=int(ev.level), reasons=[r.value for r in ev.reasons], comment=ev.comment,
                     ticket_id=found.ticket_id, submission_code=found.case_code, window=window,
                     terminal_id=body.terminal_id, created_at=now, service_key=found.key, clerk=found.clerk,
                     item_code=found.item_code, case_code=found.case_code, contact_enc=contact_enc)
    tx.session.add(row)
    try:
        tx.session.flush()
    except IntegrityError as exc:
        raise rating.DuplicateEvaluation() from exc
    tx.emit("evaluation.created", {"id": row.id, "level": row.level, "window": row.window})
    followup_id = None
    if ev.level.low:
        followup_id = open_followup(tx, "alert.low_rating", kind="low_rating", window=window,
                                    ticket_id=found.ticket_id, evaluation_id=row.id, terminal_id=body.terminal_id,
                                    stage="verifying", due_at=rect.due_at(item.due) if item else None,
                                    step_note=item.summary_zh() if item else "",
                                    message=_low_message(ev, row)).id
    return EvaluationOut(id=row.id, level=row.level, reasons=row.reasons, ticket_id=row.ticket_id, window=window,
                         followup_id=followup_id)


def _low_message(ev: dev.Evaluation, row: Evaluation) -> str:
    """"差评：态度 · 5号窗口 · 工作人员 李娜 · 事项 A-001 · 办件 S…": the follow-up card's first line."""
    parts = [f"{ev.level.zh}：{'、'.join(row.reasons)}"]
    if row.window is not None:
        parts.append(f"{row.window}号窗口")
    if row.clerk:
        parts.append(f"工作人员 {row.clerk}")
    if row.item_code:
        parts.append(f"事项 {row.item_code}")
    if row.case_code:
        parts.append(f"办件 {row.case_code}")
    return " · ".join(parts)


def help_call(tx: Tx, body: HelpIn) -> FollowUpOut:
    """A citizen asks staff for help (适老化 "help me"), or reports "couldn't get it done" (办不成事)."""
    return open_followup(tx, "help.requested", kind=body.kind, window=body.window, terminal_id=body.terminal_id,
                         ticket_id=body.ticket_id, message=body.message)


def alert(tx: Tx, body: AlertIn) -> FollowUpOut:
    """The counter's emergency button (一键报警): reaches every dashboard at once."""
    return open_followup(tx, "alert.raised", kind="alert", window=body.window, message=body.message or "紧急求助")


def limit_alert(hall: HallContext, who: Principal, terminal: str | None, what: str) -> None:
    """A follow-up for the dashboard: a token (and terminal) went over its write limits
    (:mod:`hall.server.auth.limits`). Runs on a thread of its own; a failure is logged, never raised."""
    where = f"终端 {terminal}" if terminal else "无终端"
    message = f"写入超限（{what}）：令牌 {who.name}，{where} / write limit ({what}): token {who.name}, " + (
        f"terminal {terminal}" if terminal else "no terminal")
    try:
        with hall.unit() as tx:
            open_followup(tx, "limit.exceeded", kind="rate_limit", terminal_id=terminal, message=message[:500])
    except Exception:
        log.exception("could not record the write-limit alert")


def followups(hall: HallContext, *, status: str | None, kind: str | None) -> list[FollowUpOut]:
    """Newest first, at most :data:`FOLLOWUP_LIMIT`."""
    with hall.db.read() as s:
        q = select(FollowUp).order_by(FollowUp.id.desc()).limit(FOLLOWUP_LIMIT)
        if status:
            q = q.where(FollowUp.status == status)
        if kind:
            q = q.where(FollowUp.kind == kind)
        return views(s, s.scalars(q))
