"""Why a ticket is where it is: the policy's ordering applied to its queue, told in plain words."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hall.server.context import HallContext
from hall.server.models import Ticket
from hall.server.services import rules
from hall.server.services.tickets import estimate

_REASON_ZH = {0: "办不成事反映优先", 1: "预约或指定窗口优先", 2: "优先服务对象", 3: "取号更早"}
_REASON_EN = {0: "couldn't-get-it-done cases first", 1: "appointment or assigned window first",
              2: "priority citizen (elderly, disabled, pregnant, veteran, VIP)", 3: "took a ticket earlier"}


def _reason(c: rules.Candidate) -> int:
    return rules.rank(c, window=c.target_window or 0, cannot_do_desk=False)


def explain(hall: HallContext, s: Session, t: Ticket) -> dict[str, Any]:
    base = {"id": t.id, "number": t.number, "category": t.category, "status": t.status,
            "priority": t.priority, "policy": hall.options.policy_mode}
    if t.status != "waiting":
        return {**base, "position": None, "waiting_ahead": 0, "ahead_by_reason": [],
                "text_zh": f"{t.number} 当前状态：{t.status}", "text_en": f"{t.number} is {t.status}"}
    rows = s.execute(select(Ticket.id, Ticket.number, Ticket.category, Ticket.priority, Ticket.queue_at,
                            Ticket.target_window).where(
        Ticket.hall_day == t.hall_day, Ticket.category == t.category, Ticket.status == "waiting")).all()
    cands = [rules.Candidate(r.id, r.number, r.category, r.priority, r.queue_at, r.target_window) for r in rows]
    me = next(c for c in cands if c.id == t.id)
    key = (_reason(me), me.queue_at)
    ahead = [c for c in cands if c.id != t.id and (_reason(c), c.queue_at) < key]
    by_reason = Counter(_reason(c) for c in ahead)
    my_rank = _reason(me)
    lines = [{"rule": r, "count": n, "reason_zh": _REASON_ZH[r] if r < my_rank else _REASON_ZH[3],
              "reason_en": _REASON_EN[r] if r < my_rank else _REASON_EN[3]}
             for r, n in sorted(by_reason.items())]
    mode_zh = ("优先对象先办" if hall.options.policy_mode != "ratio"
               else f"每 {hall.options.policy_ratio} 位优先对象后叫 1 位普通号，普通号等候超过 "
                    f"{hall.options.aging_minutes} 分钟也会被优先叫到")
    own = rules.PRIORITY_ZH.get(t.priority or "", "普通号")
    wait = estimate(hall, t.category, len(ahead))
    text_zh = (f"{t.number}（{own}）前面还有 {len(ahead)} 人，预计等候约 {max(1, wait // 60)} 分钟。"
               f"叫号规则：预约到时者先办，然后{mode_zh}，其余按取号时间先后。")
    text_en = (f"{t.number}: {len(ahead)} ahead, about {max(1, wait // 60)} min. Order: appointments due now, "
               f"then priority citizens ({hall.options.policy_mode}), then by time of issue.")
    return {**base, "position": len(ahead) + 1, "waiting_ahead": len(ahead), "estimated_wait_s": wait,
            "ahead_by_reason": lines, "next_numbers": [c.number for c in sorted(
                ahead, key=lambda c: (_reason(c), c.queue_at))[:5]], "text_zh": text_zh, "text_en": text_en}
