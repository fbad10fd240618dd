"""好差评 validation and follow-up items."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.server.domain import evaluations as ev
from hall.server.domain.errors import InvalidEvaluation

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # Friday 16:00 in the hall


def problem(**kw: object) -> str:
    with pytest.raises(InvalidEvaluation) as info:
        ev.validate_evaluation(at=AT, **kw)  # type: ignore[arg-type]
    return str(info.value.params["problem"])


def test_five_levels_with_names() -> None:
    assert [lv.zh for lv in ev.Level] == ["非常不满意", "不满意", "基本满意", "满意", "非常满意"]
    assert [lv.low for lv in ev.Level] == [True, True, False, False, False]


def test_good_rating_needs_nothing_and_drops_reasons() -> None:
    e = ev.validate_evaluation(level=5, reasons=["attitude"], ticket_id=7, at=AT)
    assert e.level is ev.Level.VERY_SATISFIED and e.reasons == ()
    assert ev.follow_up_for(e) is None
    assert ev.follow_up_for(ev.validate_evaluation(level=3, submission_id="s", at=AT)) is None


def test_low_ratings_need_reasons() -> None:
    assert problem(level=2, ticket_id=1) == "reasons_required"
    assert problem(level=1, reasons=["rude"], ticket_id=1) == "unknown_reason"
    assert problem(level=1, reasons=["other"], comment="  差 ", ticket_id=1) == "comment_required"
    e = ev.validate_evaluation(level=1, reasons=["other", "long_wait", "other"], comment="叫号屏坏了没听到",
                               ticket_id=1, at=AT)
    assert e.reasons == (ev.BadReason.OTHER, ev.BadReason.LONG_WAIT)


def test_other_problems_and_messages() -> None:
    assert problem(level=6, ticket_id=1) == "level"
    assert problem(level="x", ticket_id=1) == "level"
    assert problem(level=5) == "target"
    assert problem(level=5, ticket_id=1, submission_id=2) == "target"
    assert problem(level=4, ticket_id=1, comment="好" * 501) == "comment_too_long"
    with pytest.raises(InvalidEvaluation) as info:
        ev.validate_evaluation(level=2, ticket_id=1, at=AT)
    assert info.value.code == "invalid_evaluation" and "至少选择一项原因" in info.value.message_zh


def test_comment_is_cleaned() -> None:
    e = ev.validate_evaluation(level=4, comment=" 很好\n谢谢\x07 ", ticket_id=1, at=AT)
    assert e.comment == "很好 谢谢"


def test_follow_up_due_in_working_days() -> None:
    e = ev.validate_evaluation(level=2, reasons=["long_wait", "not_told_at_once"], ticket_id=9, window="5", at=AT)
    fu = ev.follow_up_for(e)
    assert fu is not None and fu.due == date(2026, 11, 27) and fu.window == "5"
    assert fu.status is ev.FollowUpStatus.OPEN
    assert fu.summary_zh() == "不满意：排队等候时间长、缺少材料未一次性告知（2026-11-27 前核实整改并回访）"
    assert "call back by 2026-11-27" in fu.summary_en()


@given(st.integers(-3, 8), st.lists(st.sampled_from([*ev.BadReason, "bogus"]), max_size=4), st.text(max_size=600))
def test_never_crashes_untyped(level: int, reasons: list[str], comment: str) -> None:
    try:
        e = ev.validate_evaluation(level=level, reasons=reasons, comment=comment, ticket_id=1, at=AT)
    except InvalidEvaluation:
        return
    assert len(e.comment) <= ev.MAX_COMMENT_CHARS and (not e.level.low or e.reasons)


def test_id_numbers_in_comments_are_masked() -> None:
    text = "我的身份证11010519491231002X办不了"
    e = ev.validate_evaluation(level=2, reasons=["other"], comment=text, ticket_id=1, at=AT)
    assert "11010519491231002X" not in e.comment and "110105********002X" in e.comment


def test_mobile_numbers_in_comments_are_masked() -> None:
    e = ev.validate_evaluation(level=2, reasons=["other"], comment="请回电13812345678", ticket_id=1, at=AT)
    assert "13812345678" not in e.comment and e.comment.endswith("138****5678")
