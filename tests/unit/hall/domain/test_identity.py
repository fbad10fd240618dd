"""GB 11643 ID numbers and GB 32100 credit codes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hall.server.domain import identity as idn
from hall.server.domain.errors import InvalidCreditCode, InvalidIdNumber, InvalidInput

KEY = b"k" * 32
PROVINCES = sorted(idn.PROVINCES)


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(PROVINCES)) + draw(digits(4))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)))
    seq = draw(digits(3))
    first17 = f"{region}{born:%Y%m%d}{seq}"
    return first17 + idn.check_digit(first17)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    head = draw(st.text(alphabet=idn.CREDIT_CHARSET, min_size=2, max_size=2))
    region = draw(digits(6))
    body = draw(st.text(alphabet=idn.CREDIT_CHARSET, min_size=9, max_size=9))
    first17 = head + region + body
    return first17 + idn.credit_code_check_char(first17)


def test_published_example_is_valid_and_decomposes() -> None:
    parsed = idn.parse_id_number("11010519491231002X")
    assert parsed.region_code == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex is idn.Sex.FEMALE
    assert parsed.age_on(date(2026, 1, 1)) == 76
    assert parsed.masked == "110105********002X"


def test_lower_case_x_and_blanks_are_normalised() -> None:
    assert idn.parse_id_number(" 11010519491231002x ").value == "11010519491231002X"


def test_repr_and_str_never_show_the_full_number() -> None:
    parsed = idn.parse_id_number("11010519491231002X")
    assert "11010519491231002X" not in repr(parsed)
    assert "11010519491231002X" not in str(parsed)
    assert "1949" not in repr(parsed)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", idn.IdReason.EMPTY),
        ("1101051949123100", idn.IdReason.LENGTH),
        ("11010519491231002Y", idn.IdReason.CHARACTERS),
        ("1101051949123100２X", idn.IdReason.CHARACTERS),  # full-width digit
        ("99010519491231002X", idn.IdReason.REGION),
        ("110105194913310027", idn.IdReason.BIRTH_DATE),
        ("110105190002290025", idn.IdReason.BIRTH_DATE),  # 1900 was not a leap year
        ("110105109912310027", idn.IdReason.BIRTH_DATE),
        ("110105194912310021", idn.IdReason.CHECK_DIGIT),
    ],
)
def test_typed_reasons(raw: str, reason: idn.IdReason) -> None:
    assert idn.id_number_problem(raw) is reason
    with pytest.raises(InvalidIdNumber) as info:
        idn.parse_id_number(raw)
    assert info.value.params["reason"] == reason.value
    assert raw not in info.value.message_en or not raw


def test_future_birth_date_needs_today() -> None:
    first17 = "11010520300101001"
    raw = first17 + idn.check_digit(first17)
    assert idn.is_valid_id_number(raw)
    assert idn.id_number_problem(raw, today=date(2026, 1, 1)) is idn.IdReason.FUTURE_BIRTH


def test_fifteen_digit_conversion() -> None:
    assert idn.convert_15_to_18("110105491231002") == "11010519491231002X"
    parsed = idn.parse_id_number("110105491231002")
    assert parsed.value == "11010519491231002X"
    with pytest.raises(InvalidIdNumber):
        idn.convert_15_to_18("11010549123100")


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1956, 3, 1), date(2026, 2, 28), 69),
        (date(1956, 3, 1), date(2026, 3, 1), 70),
        (date(1956, 2, 29), date(2026, 2, 28), 69),
        (date(1956, 2, 29), date(2026, 3, 1), 70),
    ],
)
def test_age_on(born: date, on: date, age: int) -> None:
    assert idn.age_on(born, on) == age


@given(id_numbers())
def test_generated_numbers_round_trip(raw: str) -> None:
    parsed = idn.parse_id_number(raw)
    assert parsed.value == raw
    assert parsed.birth_date.strftime("%Y%m%d") == raw[6:14]
    assert (parsed.sex is idn.Sex.MALE) == (int(raw[16]) % 2 == 1)
    assert parsed.masked == str(parsed) == raw[:6] + "*" * 8 + raw[-4:]


@given(id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_substitution_is_detected(raw: str, pos: int, new: str) -> None:
    if pos < 17 and new == "X":
        new = "0"
    if raw[pos] == new:
        return
    changed = raw[:pos] + new + raw[pos + 1 :]
    assert not idn.is_valid_id_number(changed)


@given(id_numbers(), st.integers(0, 15))
def test_adjacent_transposition_is_detected(raw: str, pos: int) -> None:
    if raw[pos] == raw[pos + 1]:
        return
    swapped = raw[:pos] + raw[pos + 1] + raw[pos] + raw[pos + 2 :]
    assert not idn.is_valid_id_number(swapped)


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes(raw: str) -> None:
    reason = idn.id_number_problem(raw)
    assert reason is None or isinstance(reason, idn.IdReason)


def test_hash_is_stable_keyed_and_normalised() -> None:
    a = idn.hash_id_number("11010519491231002X", key=KEY)
    assert a == idn.hash_id_number("11010519491231002x", key=KEY)
    assert a == idn.hash_id_number("110105491231002", key=KEY)
    assert a != idn.hash_id_number("11010519491231002X", key=b"q" * 32)
    assert len(a) == 64 and "11010519491231002X" not in a
    with pytest.raises(InvalidInput):
        idn.hash_id_number("11010519491231002X", key=b"short")
    with pytest.raises(InvalidIdNumber):
        idn.hash_id_number("110105194912310021", key=KEY)


@pytest.mark.parametrize(
    "code", ["91330100799655058B", "9144030071526726XG", "914403001922038216", "91110000802100433B"]
)
def test_published_credit_codes_are_valid(code: str) -> None:
    assert idn.parse_credit_code(code.lower()) == code


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", idn.CreditReason.EMPTY),
        ("91330100799655058", idn.CreditReason.LENGTH),
        ("91330100799655058I", idn.CreditReason.CHARACTERS),
        ("913A0100799655058B", idn.CreditReason.REGION),
        ("91330100799655058C", idn.CreditReason.CHECK_DIGIT),
    ],
)
def test_credit_code_reasons(raw: str, reason: idn.CreditReason) -> None:
    assert idn.credit_code_problem(raw) is reason
    with pytest.raises(InvalidCreditCode):
        idn.parse_credit_code(raw)


@given(credit_codes(), st.integers(0, 17), st.sampled_from(idn.CREDIT_CHARSET))
def test_credit_code_single_substitution_detected(code: str, pos: int, new: str) -> None:
    assert idn.is_valid_credit_code(code)
    if code[pos] == new or (2 <= pos < 8 and not new.isdigit()):
        return
    assert not idn.is_valid_credit_code(code[:pos] + new + code[pos + 1 :])
