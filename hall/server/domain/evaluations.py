"""好差评: five-level ratings, reasons for the two lowest, and follow-up of bad ones.

Levels follow the national evaluation guide (非常满意 … 非常不满意). A rating of 不满意 or
非常不满意 needs at least one reason from a fixed list (so they can be counted and acted on);
"other" needs a comment. Every such rating opens a follow-up item for the hall manager, due
within a few working days: 差评核实整改、整改回访 are to be done for every bad rating.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum, StrEnum

from config.privacy import redact

from .errors import InvalidEvaluation
from .hallday import ensure_utc, hall_day
from .workdays import HolidayCalendar, add_working_days

MAX_COMMENT_CHARS = 500
MIN_OTHER_COMMENT_CHARS = 5
FOLLOW_UP_WORKING_DAYS = 5


class Level(IntEnum):
    VERY_DISSATISFIED = 1
    DISSATISFIED = 2
    BASICALLY_SATISFIED = 3
    SATISFIED = 4
    VERY_SATISFIED = 5

    @property
    def zh(self) -> str:
        return LEVEL_NAMES[self][0]

    @property
    def en(self) -> str:
        return LEVEL_NAMES[self][1]

    @property
    def low(self) -> bool:
        return self <= Level.DISSATISFIED


LEVEL_NAMES = {
    Level.VERY_DISSATISFIED: ("非常不满意", "Very dissatisfied"),
    Level.DISSATISFIED: ("不满意", "Dissatisfied"),
    Level.BASICALLY_SATISFIED: ("基本满意", "Basically satisfied"),
    Level.SATISFIED: ("满意", "Satisfied"),
    Level.VERY_SATISFIED: ("非常满意", "Very satisfied"),
}


class BadReason(StrEnum):
    LONG_WAIT = "long_wait"
    ATTITUDE = "attitude"
    TOO_SLOW = "too_slow"
    MULTIPLE_TRIPS = "multiple_trips"
    NOT_TOLD_AT_ONCE = "not_told_at_once"
    EXTRA_MATERIALS = "extra_materials"
    GUIDE_UNCLEAR = "guide_unclear"
    SYSTEM_FAULT = "system_fault"
    FEES = "fees"
    OTHER = "other"


REASON_TEXTS = {
    BadReason.LONG_WAIT: ("排队等候时间长", "Long wait in the queue"),
    BadReason.ATTITUDE: ("服务态度不好", "Unfriendly service"),
    BadReason.TOO_SLOW: ("办理时间长、超时办结", "Took too long or past the time limit"),
    BadReason.MULTIPLE_TRIPS: ("需要多次跑动", "Had to come several times"),
    BadReason.NOT_TOLD_AT_ONCE: ("缺少材料未一次性告知", "Missing materials were not all told at once"),
    BadReason.EXTRA_MATERIALS: ("要求提供清单外材料或证明", "Asked for materials or proofs not on the list"),
    BadReason.GUIDE_UNCLEAR: ("办事指南不清楚、不准确", "Service guide unclear or wrong"),
    BadReason.SYSTEM_FAULT: ("系统或设备故障", "System or device failure"),
    BadReason.FEES: ("收费不合理", "Unreasonable fees"),
    BadReason.OTHER: ("其他（请填写说明）", "Other (please explain)"),
}

_PROBLEMS = {
    "level": ("评价等级须为 1–5", "level must be 1 to 5"),
    "reasons_required": ("选择“不满意”或“非常不满意”时，请至少选择一项原因",
                         "please pick at least one reason for a low rating"),
    "unknown_reason": ("原因不在列表中", "reason not in the list"),
    "comment_required": ("选择“其他”时，请填写至少 {n} 个字的说明",
                         "“Other” needs a comment of at least {n} characters"),
    "comment_too_long": ("说明最多 {n} 个字", "comment is limited to {n} characters"),
    "target": ("评价须对应一个号码或一个办件", "an evaluation belongs to exactly one ticket or submission"),
}


def _invalid(problem: str, **params: object) -> InvalidEvaluation:
    zh, en = _PROBLEMS[problem]
    return InvalidEvaluation(problem=problem, detail_zh=zh.format(**params), detail_en=en.format(**params))


def clean_comment(text: str) -> str:
    """NFC, trimmed, control characters dropped (newlines kept as spaces), and any ID number a
    citizen typed into it masked: comments are stored and shown to staff."""
    text = unicodedata.normalize("NFC", text).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return redact("".join(c for c in text if unicodedata.category(c) != "Cc").strip())


@dataclass(frozen=True)
class Evaluation:
    level: Level
    reasons: tuple[BadReason, ...]
    comment: str
    ticket_id: Hashable | None
    submission_id: Hashable | None
    at: datetime
    window: str | None = None
    channel: str = "pad"


def validate_evaluation(
    *, level: int, reasons: Iterable[str] = (), comment: str = "", ticket_id: Hashable | None = None,
    submission_id: Hashable | None = None, at: datetime, window: str | None = None, channel: str = "pad",
) -> Evaluation:
    """A checked :class:`Evaluation`; raises :class:`InvalidEvaluation` with a ``problem`` code.

    Reasons given with a good rating are dropped rather than refused: the pad may keep a
    selection the citizen made before changing their mind.
    """
    if (ticket_id is None) == (submission_id is None):
        raise _invalid("target")
    try:
        lvl = Level(int(level))
    except (TypeError, ValueError) as e:
        raise _invalid("level") from e
    try:
        picked = tuple(dict.fromkeys(BadReason(r) for r in reasons))
    except ValueError as e:
        raise _invalid("unknown_reason") from e
    text = clean_comment(comment)
    if len(text) > MAX_COMMENT_CHARS:
        raise _invalid("comment_too_long", n=MAX_COMMENT_CHARS)
    if lvl.low:
        if not picked:
            raise _invalid("reasons_required")
        if BadReason.OTHER in picked and len(text) < MIN_OTHER_COMMENT_CHARS:
            raise _invalid("comment_required", n=MIN_OTHER_COMMENT_CHARS)
    else:
        picked = ()
    return Evaluation(lvl, picked, text, ticket_id, submission_id, ensure_utc(at), window, channel)


class FollowUpStatus(StrEnum):
    OPEN = "open"  # 待核实
    RECTIFIED = "rectified"  # 已整改
    REVISITED = "revisited"  # 已回访 (closed)


@dataclass(frozen=True)
class FollowUp:
    """A manager's task for a bad rating: verify, rectify, call the citizen back, by ``due``."""

    level: Level
    reasons: tuple[BadReason, ...]
    due: date
    ticket_id: Hashable | None
    submission_id: Hashable | None
    window: str | None
    status: FollowUpStatus = FollowUpStatus.OPEN

    def summary_zh(self) -> str:
        why = "、".join(REASON_TEXTS[r][0] for r in self.reasons)
        return f"{self.level.zh}：{why}（{self.due:%Y-%m-%d} 前核实整改并回访）"

    def summary_en(self) -> str:
        why = ", ".join(REASON_TEXTS[r][1] for r in self.reasons)
        return f"{self.level.en}: {why} (verify, fix and call back by {self.due:%Y-%m-%d})"


def follow_up_for(
    evaluation: Evaluation, *, working_days: int = FOLLOW_UP_WORKING_DAYS, calendar: HolidayCalendar | None = None
) -> FollowUp | None:
    """The follow-up item a low rating raises, or ``None`` for the three upper levels."""
    if not evaluation.level.low:
        return None
    due = add_working_days(hall_day(evaluation.at), working_days, calendar=calendar)
    return FollowUp(evaluation.level, evaluation.reasons, due, evaluation.ticket_id, evaluation.submission_id,
                    evaluation.window)
