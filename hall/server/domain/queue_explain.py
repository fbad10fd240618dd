"""Why a ticket is where it is: position, people ahead, and reasons in Chinese and English.

Positions come from :func:`~.queue_policy.call_order` over the ticket's own line (its category,
or the window it was sent to), so the explanation and the call-next decision never disagree.
Texts carry no personal data: the elderly reason names the threshold, never the age.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .hallday import ensure_utc, local
from .queue_policy import CallMode, Choice, Lane, QueuePolicy, call_order
from .tickets import QUEUED, QueueTicket, TicketStatus


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Explanation:
    ticket_id: Any
    number: str
    status: TicketStatus
    lane: Lane | None
    position: int | None  # 1 = called next in its line
    ahead: int
    ahead_by_lane: dict[str, int] = field(default_factory=dict)
    reasons: tuple[Reason, ...] = ()
    mode: CallMode = CallMode.PRIORITY_FIRST

    def to_dict(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id, "number": self.number, "status": self.status.value,
            "lane": self.lane.value if self.lane else None, "position": self.position,
            "ahead": self.ahead, "ahead_by_lane": dict(self.ahead_by_lane), "mode": self.mode.value,
            "reasons": [{"code": r.code, "zh": r.zh, "en": r.en} for r in self.reasons],
        }


_TEXTS: dict[str, tuple[str, str]] = {
    "fallback": ("“办不成事”反映，由专门窗口优先接待",
                 "“Couldn't get it done” case: a designated window sees you first"),
    "reinstated": ("过号后已恢复，排在队首", "Reinstated after a missed call: placed at the head of the line"),
    "appointment_due": ("预约时段（{start}）已到，预约号优先",
                        "Your appointment time ({start}) has come: appointments go first"),
    "appointment_not_due": ("预约时段 {start} 开始后优先，此前按取号时间排队",
                            "Appointment priority starts at {start}; until then you queue by ticket time"),
    "elderly": ("{age} 周岁及以上老年人优先", "Aged {age} or over: priority"),
    "disabled": ("残疾人优先", "Disabled: priority"),
    "pregnant": ("孕妇优先", "Pregnant: priority"),
    "veteran": ("军人、退役军人优先", "Service member or veteran: priority"),
    "vip": ("重点服务对象优先", "Key service recipient: priority"),
    "aged": ("已等待超过 {minutes} 分钟，按优先号处理", "Waited over {minutes} minutes: now treated as priority"),
    "transferred": ("从 {origin} 转来，保留原号码、取号时间和优先级",
                    "Transferred from {origin}: same number, ticket time and priority"),
    "normal": ("按取号时间先后排队", "Served in order of ticket time"),
    "aging_hint": ("如等待超过 {minutes} 分钟，将按优先号处理",
                   "After {minutes} minutes of waiting you will be treated as priority"),
    "mode.priority_first": ("先叫预约号和优先号，同组内等待久的先叫",
                            "Appointments and priority tickets are called first; within a group, longest wait first"),
    "mode.ratio": ("每叫 {n} 位优先号后叫 1 位普通号，同组内等待久的先叫",
                   "After every {n} priority calls one normal ticket is called; within a group, longest wait first"),
    "ahead": ("前面还有 {ahead} 人（{zh_breakdown}）", "{ahead} ahead of you ({en_breakdown})"),
    "next": ("下一位就是您，请留意叫号", "You are next; please watch the display"),
    "line": ("人数只计本队列；同时办理多类业务的窗口可能穿插叫其他队列",
             "Counts your line only; windows serving several lines may call others in between"),
    "status.called": ("您的号码已叫，请到窗口办理", "Your number has been called; please go to the window"),
    "status.serving": ("正在办理", "Being served"),
    "status.done": ("已办结", "Finished"),
    "status.no_show": ("过号未到，{minutes} 分钟内可请工作人员恢复",
                       "Missed; staff can reinstate it within {minutes} minutes"),
    "status.cancelled": ("号码已作废", "Ticket cancelled"),
}
# Groups of people ahead, in call order; "aged" are normal tickets promoted by their long wait.
_GROUP_WORDS = {
    "fallback": ("办不成事", "couldn't-get-it-done"), "reinstated": ("过号恢复", "reinstated"),
    "appointment": ("预约", "appointment"), "priority": ("优先", "priority"),
    "aged": ("久等普通号", "long-waiting normal"), "normal": ("普通", "normal"),
}


def reason(code: str, **params: Any) -> Reason:
    zh, en = _TEXTS[code]
    return Reason(code, zh.format(**params), en.format(**params))


def in_same_line(ticket: QueueTicket, other: QueueTicket) -> bool:
    if ticket.target_window is not None:
        return other.target_window == ticket.target_window
    if other.target_window is not None or other.fallback != ticket.fallback:
        return False
    return ticket.fallback or other.category == ticket.category


def line_order(
    ticket: QueueTicket, queue: Iterable[QueueTicket], policy: QueuePolicy, now: datetime,
    recent_calls: Sequence[Lane | str] = (),
) -> list[Choice]:
    """The predicted call order of ``ticket``'s line (``ticket`` included if it is queued)."""
    line = {t.id: t for t in queue if t.status in QUEUED and in_same_line(ticket, t)}
    if ticket.status in QUEUED:
        line[ticket.id] = ticket
    return list(call_order(line.values(), policy, now, recent_calls=recent_calls))


def waiting_ahead(
    ticket: QueueTicket, queue: Iterable[QueueTicket], policy: QueuePolicy, now: datetime,
    recent_calls: Sequence[Lane | str] = (),
) -> int:
    """How many tickets of its line will be called before ``ticket`` (0 if not queued)."""
    for i, choice in enumerate(line_order(ticket, queue, policy, now, recent_calls)):
        if choice.ticket.id == ticket.id:
            return i
    return 0


def _hhmm(at: datetime | None) -> str:
    return local(at).strftime("%H:%M") if at is not None else "?"


def _lane_reasons(ticket: QueueTicket, choice: Choice, policy: QueuePolicy) -> list[Reason]:
    out = []
    for code in choice.placement.reasons:
        if code in ("appointment_due", "appointment_not_due"):
            out.append(reason(code, start=_hhmm(ticket.appointment_start)))
        elif code == "elderly":
            out.append(reason(code, age=policy.elderly_age))
        elif code == "aged":
            out.append(reason(code, minutes=policy.aging_minutes))
        elif code == "transferred":
            out.append(reason(code, origin=ticket.transferred_from))
        else:
            out.append(reason(code))
    if choice.lane is Lane.NORMAL:
        out.insert(0, reason("normal"))
        if policy.aging_minutes is not None:
            out.append(reason("aging_hint", minutes=policy.aging_minutes))
    return out


def explain(
    ticket: QueueTicket, queue: Iterable[QueueTicket], policy: QueuePolicy, now: datetime,
    *, recent_calls: Sequence[Lane | str] = (),
) -> Explanation:
    """Structured reasons why ``ticket`` is where it is in its line, and who is ahead."""
    now = ensure_utc(now, name="now")
    base: dict[str, Any] = {"ticket_id": ticket.id, "number": ticket.number, "status": ticket.status,
                            "mode": policy.mode}
    if ticket.status not in QUEUED:
        params = {"minutes": policy.reinstate_minutes} if ticket.status is TicketStatus.NO_SHOW else {}
        return Explanation(**base, lane=None, position=None, ahead=0,
                           reasons=(reason(f"status.{ticket.status.value}", **params),))
    order = line_order(ticket, queue, policy, now, recent_calls)
    index = next(i for i, c in enumerate(order) if c.ticket.id == ticket.id)
    mine = order[index]
    counts: dict[str, int] = {}
    for c in order[:index]:
        key = "aged" if c.placement.aged else c.lane.value
        counts[key] = counts.get(key, 0) + 1
    by_lane = {k: counts[k] for k in _GROUP_WORDS if k in counts}
    reasons = _lane_reasons(ticket, mine, policy)
    if policy.mode is CallMode.RATIO:
        reasons.append(reason("mode.ratio", n=policy.ratio_priority))
    else:
        reasons.append(reason("mode.priority_first"))
    if index == 0:
        reasons.append(reason("next"))
    else:
        reasons.append(reason(
            "ahead", ahead=index,
            zh_breakdown="、".join(f"{_GROUP_WORDS[k][0]} {n} 人" for k, n in by_lane.items()),
            en_breakdown=", ".join(f"{n} {_GROUP_WORDS[k][1]}" for k, n in by_lane.items()),
        ))
    reasons.append(reason("line"))
    return Explanation(**base, lane=mine.lane, position=index + 1, ahead=index, ahead_by_lane=by_lane,
                       reasons=tuple(reasons))
