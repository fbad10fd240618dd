"""Registration codes, material matching (一次性告知, 容缺), status history and due dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.server.domain import submissions as sb
from hall.server.domain.catalogue import Material, MaterialForm, ServiceItem
from hall.server.domain.errors import (
    InvalidCode,
    InvalidInput,
    InvalidTransition,
    MaterialsIncomplete,
    SequenceExhausted,
    WaiverNotAllowed,
)
from hall.server.domain.materials import Problem, Satisfied

S = sb.SubmissionStatus
TODAY = date(2026, 11, 22)
ITEM = ServiceItem(
    code="330000-001", name="住房公积金提取（购房）", category="B",
    materials=(
        Material("id", "居民身份证", e_license_type="id_card"),
        Material("contract", "购房合同", form=MaterialForm.COPY, count=2, formats=("pdf",)),
        Material("marriage", "结婚证", e_license_type="marriage", waivable=True),
        Material("bank", "银行卡", form=MaterialForm.COPY, waivable=True, note="本人一类卡"),
        Material("other", "其他补充材料", required=False),
    ),
    legal_limit_days=20, promised_limit_days=3,
)


def test_registration_code_round_trip() -> None:
    rc = sb.new_registration_code(TODAY, 42)
    assert len(rc.code) == 17 and rc.code.startswith("202611220042")
    assert rc.printed().startswith("20261122-0042-")
    parsed = sb.parse_registration_code(rc.printed().lower())
    assert (parsed.day, parsed.counter, parsed.code) == (TODAY, 42, rc.code)


def test_registration_codes_are_unguessable() -> None:
    assert len({sb.new_registration_code(TODAY, 1).code for _ in range(40)}) > 35


@given(st.integers(1, 9999), st.integers(0, 16), st.sampled_from("0123456789ABCDEFGHJKMNPQRSTVWXYZ"))
def test_registration_typos_are_caught(counter: int, pos: int, new: str) -> None:
    code = sb.new_registration_code(TODAY, counter).code
    if code[pos] == new:
        return
    with pytest.raises(InvalidCode):
        sb.parse_registration_code(code[:pos] + new + code[pos + 1 :])


def test_registration_limits() -> None:
    with pytest.raises(SequenceExhausted):
        sb.new_registration_code(TODAY, 10_000)
    with pytest.raises(InvalidInput):
        sb.new_registration_code(TODAY, 0)
    with pytest.raises(InvalidCode):
        sb.parse_registration_code("11010519491231002X")


def test_one_time_notice_lists_everything_missing() -> None:
    check = sb.check_materials(
        ITEM, [sb.Provided("contract", count=1, file_format="PDF"), sb.Provided("bank", file_format="gif")],
        today=TODAY,
    )
    assert not check.complete
    by_code = {m.material_code: m for m in check.missing}
    assert list(by_code) == ["id", "contract", "marriage", "bank"]
    assert by_code["contract"].problem is Problem.NOT_ENOUGH and by_code["contract"].given == 1
    assert by_code["bank"].problem is Problem.WRONG_FORMAT
    assert [m.material_code for m in check.waivable_missing] == ["marriage", "bank"]
    notice = check.notice_zh()
    assert notice[1] == "购房合同：份数不足（已交 1 份）；需复印件 2 份，格式 PDF"
    assert "容缺受理" in notice[2] and "本人一类卡" in notice[3]
    assert "not enough copies" in check.notice_en()[1]
    with pytest.raises(MaterialsIncomplete) as info:
        check.raise_if_incomplete()
    assert info.value.params["count"] == 4


def test_e_licenses_and_waivers_complete_the_set() -> None:
    due = TODAY + timedelta(days=10)
    check = sb.check_materials(
        ITEM, [sb.Provided("contract", how=sb.Provision.PAPER, count=2)],
        e_license_types={"id_card", "marriage"}, waive={"bank": due}, today=TODAY,
    )
    assert check.complete
    assert check.satisfied == {"id": Satisfied.E_LICENSE, "contract": Satisfied.PROVIDED,
                               "marriage": Satisfied.E_LICENSE, "bank": Satisfied.WAIVED}
    assert check.commitments == {"bank": due}
    check.raise_if_incomplete()


def test_waiver_rules() -> None:
    with pytest.raises(WaiverNotAllowed) as info:
        sb.check_materials(ITEM, [], waive={"contract": TODAY + timedelta(days=5)}, today=TODAY)
    assert "购房合同" in info.value.message_zh
    for due in (TODAY, TODAY + timedelta(days=61)):
        with pytest.raises(InvalidInput):
            sb.check_materials(ITEM, [], waive={"bank": due}, today=TODAY)
    with pytest.raises(InvalidInput):
        sb.check_materials(ITEM, [sb.Provided("passport")], today=TODAY)


def t(h: int) -> datetime:
    return datetime(2026, 11, 22, h, tzinfo=UTC)


def test_status_history_happy_path() -> None:
    h: tuple[sb.HistoryEntry, ...] = ()
    for i, st_ in enumerate([S.SUBMITTED, S.ACCEPTED, S.IN_REVIEW, S.SUPPLEMENT_REQUIRED, S.IN_REVIEW,
                             S.APPROVED, S.RESULT_READY, S.DELIVERED]):
        h = sb.advance(h, st_, at=t(i), actor="clerk:7")
    assert sb.current_status(h) is S.DELIVERED and len(h) == 8


@pytest.mark.parametrize(
    ("path", "bad"),
    [([], S.ACCEPTED), ([S.SUBMITTED], S.APPROVED), ([S.SUBMITTED, S.ACCEPTED], S.DELIVERED),
     ([S.SUBMITTED, S.REJECTED, S.RESULT_READY, S.DELIVERED], S.SUBMITTED)],
)
def test_status_history_refusals(path: list[sb.SubmissionStatus], bad: sb.SubmissionStatus) -> None:
    h: tuple[sb.HistoryEntry, ...] = ()
    for i, st_ in enumerate(path):
        h = sb.advance(h, st_, at=t(i))
    with pytest.raises(InvalidTransition):
        sb.advance(h, bad, at=t(10))


def test_history_time_must_not_go_back() -> None:
    h = sb.advance((), "submitted", at=t(5))
    with pytest.raises(InvalidInput):
        sb.advance(h, "accepted", at=t(4))
    with pytest.raises(InvalidInput):
        sb.advance(h, "lost", at=t(6))


def test_due_dates_in_working_days() -> None:
    # Accepted Friday 2026-11-20 at 16:30 in the hall (08:30 UTC).
    dd = sb.due_dates(ITEM, datetime(2026, 11, 20, 8, 30, tzinfo=UTC))
    assert dd.promised == date(2026, 11, 25) and dd.legal == date(2026, 12, 18)
    assert not dd.overdue(date(2026, 11, 25)) and dd.overdue(date(2026, 11, 26))
    none = sb.due_dates(ServiceItem("X", "即办", "A"), t(1))
    assert none.legal is None and not none.overdue(date(2030, 1, 1))


def test_supplement_time_does_not_count() -> None:
    def d(day: int, h: int = 2) -> datetime:
        return datetime(2026, 11, day, h, tzinfo=UTC)

    h = sb.advance((), "submitted", at=d(20))
    h = sb.advance(h, "accepted", at=d(20))  # Friday
    h = sb.advance(h, "supplement_required", at=d(23))  # Monday
    assert sb.paused_working_days(h) == 0
    assert sb.paused_working_days(h, today=date(2026, 11, 25)) == 2
    h = sb.advance(h, "in_review", at=d(26))  # Thursday: Tue, Wed, Thu paused
    assert sb.paused_working_days(h) == 3
    dd = sb.due_dates(ITEM, d(20), history=h)
    assert dd.promised == date(2026, 11, 30)  # 3 + 3 working days after Friday 20th
    # A supplement asked before acceptance (pre-review) is not a pause of the time limit.
    early = sb.advance(sb.advance((), "submitted", at=d(20)), "supplement_required", at=d(20))
    early = sb.advance(early, "accepted", at=d(24))
    assert sb.paused_working_days(early) == 0
