"""Why a ticket is where it is: the domain's explanation (hall.server.domain.queue_explain) as the API
shape. Position, people ahead and reasons come from the same call order that call-next uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from hall.server.core.context import HallContext
from hall.server.domain import queue_explain as dx
from hall.server.queue import order as queue
from hall.server.tickets.models import Ticket
from hall.server.tickets.schemas import ExplanationOut

# Groups of people ahead (the domain's lane keys), told to the citizen.
_GROUPS = {
    "fallback": ("办不成事反映，专窗优先", "couldn't-get-it-done cases, seen first at their window"),
    "reinstated": ("过号后恢复，排在队首", "missed tickets reinstated at the head of the line"),
    "appointment": ("预约时段已到，预约优先", "appointments whose time has come"),
    "priority": ("优先服务对象（老年人、残疾人、孕妇、军人、重点服务对象）",
                 "priority citizens (elderly, disabled, pregnant, service members, VIP)"),
    "aged": ("等候已久，按优先号处理", "tickets that have waited long, now treated as priority"),
    "normal": ("取号更早", "took a ticket earlier"),
}
_RULE = {name: i for i, name in enumerate(_GROUPS)}


def explain(hall: HallContext, s: Session, t: Ticket, *, now: datetime | None = None) -> ExplanationOut:
    now = now or datetime.now(UTC)
    me = queue.to_queue_ticket(queue.row_of(s, t.id))
    line = queue.line(s, t) if t.status == "waiting" else []
    ex = queue.explanation(s, hall, t, now, me=me, line=line)
    base: dict[str, Any] = {"id": t.id, "number": t.number, "category": t.category, "status": t.status,
            "priority": t.priority, "policy": ex.mode.value, "mode": ex.mode.value,
            "lane": ex.lane.value if ex.lane else None, "ahead_by_lane": dict(ex.ahead_by_lane),
            "reasons": [{"code": r.code, "zh": r.zh, "en": r.en} for r in ex.reasons],
            "text_zh": " · ".join(r.zh for r in ex.reasons), "text_en": " · ".join(r.en for r in ex.reasons)}
    if ex.position is None:
        return ExplanationOut(**base, position=None, waiting_ahead=0, estimated_wait_s=0, ahead_by_reason=[],
                              next_numbers=[])
    by_reason = [{"rule": _RULE[k], "lane": k, "count": n, "reason_zh": _GROUPS[k][0], "reason_en": _GROUPS[k][1]}
                 for k, n in ex.ahead_by_lane.items()]
    order = dx.line_order(me, line, hall.options.policy, now)
    return ExplanationOut(**base, position=ex.position, waiting_ahead=ex.ahead,
                          estimated_wait_s=queue.estimate(hall, t.category, ex.ahead), ahead_by_reason=by_reason,
                          next_numbers=[c.ticket.number for c in order[:min(5, ex.ahead)]])
