"""差评整改: the stages of a low rating's follow-up, the steps allowed between them, and its deadline.

A low rating is verified (待核实); if founded it is rectified (整改中 → 已整改) and the citizen is called
back (已回访); if the verification finds it unfounded it ends as 不属实. Every step is taken by someone, at a
time, with a note (the 整改台账 keeps them all). The deadline is five working days after the rating's hall
day, counted with the hall's holiday calendar (:func:`evaluations.follow_up_for`); a follow-up not finished
by the end of that day is overdue.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from .errors import DomainError
from .hallday import HALL_TZ, day_bounds, ensure_utc


class Stage(StrEnum):
    VERIFYING = "verifying"  # 待核实
    RECTIFYING = "rectifying"  # 整改中
    RECTIFIED = "rectified"  # 已整改
    REVISITED = "revisited"  # 已回访 (done)
    UNFOUNDED = "unfounded"  # 不属实 (done)

    @property
    def zh(self) -> str:
        return STAGE_NAMES[self][0]

    @property
    def en(self) -> str:
        return STAGE_NAMES[self][1]

    @property
    def done(self) -> bool:
        return self in (Stage.REVISITED, Stage.UNFOUNDED)


STAGE_NAMES = {
    Stage.VERIFYING: ("待核实", "To verify"),
    Stage.RECTIFYING: ("整改中", "Being rectified"),
    Stage.RECTIFIED: ("已整改", "Rectified"),
    Stage.REVISITED: ("已回访", "Called back"),
    Stage.UNFOUNDED: ("不属实", "Unfounded"),
}

def stage_names(value: str | None) -> tuple[str, str]:
    """``(zh, en)`` of a stored stage; ``closed`` is a low rating closed outright (before the stages ended)."""
    try:
        stage = Stage(value or "")
    except ValueError:
        return ("已关闭", "Closed") if value == "closed" else (value or "", value or "")
    return STAGE_NAMES[stage]


# The one table of steps: from a stage, the stages a manager may move it to.
NEXT: dict[Stage, frozenset[Stage]] = {
    Stage.VERIFYING: frozenset({Stage.RECTIFYING, Stage.UNFOUNDED}),
    Stage.RECTIFYING: frozenset({Stage.RECTIFIED}),
    Stage.RECTIFIED: frozenset({Stage.REVISITED}),
    Stage.REVISITED: frozenset(),
    Stage.UNFOUNDED: frozenset(),
}

# The follow-up's general status (open / acknowledged / closed) each stage stands for.
STATUS_OF = {Stage.VERIFYING: "open", Stage.RECTIFYING: "acknowledged", Stage.RECTIFIED: "acknowledged",
             Stage.REVISITED: "closed", Stage.UNFOUNDED: "closed"}


class BadStep(DomainError):
    code = "followup.bad_step"
    kind = "conflict"
    template_zh = "整改环节不能从“{from_zh}”改为“{to_zh}”"
    template_en = "a follow-up cannot go from “{from_en}” to “{to_en}”"


class UnknownStage(DomainError):
    code = "followup.unknown_stage"
    template_zh = "整改环节须为：整改中、已整改、已回访或不属实"
    template_en = "the stage must be rectifying, rectified, revisited or unfounded"


class StepNoteRequired(DomainError):
    code = "followup.step_note_required"
    template_zh = "每个整改环节须填写说明"
    template_en = "every step needs a note"


def parse_stage(value: str) -> Stage:
    """Raises UnknownStage."""
    try:
        return Stage(value)
    except ValueError as e:
        raise UnknownStage() from e


def step(current: Stage, target: Stage, note: str) -> Stage:
    """``target`` when the table allows it and a note says what was done. Raises BadStep, StepNoteRequired."""
    if target not in NEXT[current]:
        raise BadStep(from_zh=current.zh, to_zh=target.zh, from_en=current.en, to_en=target.en)
    if not note.strip():
        raise StepNoteRequired()
    return target


def due_at(due: date, *, tz: ZoneInfo = HALL_TZ) -> datetime:
    """The moment a follow-up due on hall day ``due`` becomes overdue: the end of that day (UTC)."""
    return day_bounds(due, tz=tz)[1]


def is_overdue(due: datetime | None, stage: Stage, now: datetime) -> bool:
    """Past its deadline and not yet called back (or found unfounded)."""
    return due is not None and not stage.done and ensure_utc(now) >= ensure_utc(due)
