"""Properties of the one masking module: what a mask keeps, what it hides, and that masking twice shows no more."""

from __future__ import annotations

from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from config.privacy import mask_address, mask_id_number, mask_name, mask_phone, redact

# GB 11643: weights 2^(17-i) mod 11, check character "10X98765432"[sum mod 11]. Written out here
# (not imported from the hall's domain) so the test does not trust the code it checks.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
PROVINCES = ("11", "12", "13", "31", "32", "44", "50", "51", "65", "81", "82", "83")
# Characters that end a word for redact(): not an ASCII letter, not a digit.
SEPARATORS = st.sampled_from([" ", "\n", "=", ":", "：", "，", "(", "）", "号", "为", "\"", "/", "*"])


def check_char(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@st.composite
def id18(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(PROVINCES)) + draw(digits(4))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
    first17 = f"{region}{born:%Y%m%d}{draw(digits(3))}"
    return first17 + check_char(first17)


@st.composite
def id15(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(PROVINCES)) + draw(digits(4))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)))
    return f"{region}{born:%y%m%d}{draw(digits(3))}"


mobiles = st.builds(lambda second, rest: f"1{second}{rest}", st.sampled_from("3456789"), digits(9))
free_text = st.text(max_size=20)


@given(id18())
@example("11010519491231002X")
def test_an_18_character_id_keeps_only_its_first_six_and_last_four(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == 18
    assert masked == number[:6] + "********" + number[-4:]
    assert number[6:14] not in masked  # the birth date


@given(id15())
def test_a_15_digit_id_keeps_only_its_first_six_and_last_three(number: str) -> None:
    masked = mask_id_number(number)
    assert masked == number[:6] + "******" + number[-3:] and len(masked) == 15


@given(st.text(max_size=30))
def test_anything_not_shaped_like_an_id_number_is_starred_whole(value: str) -> None:
    masked = mask_id_number(value)
    compact = "".join(value.split())
    if len(compact) not in (15, 18):
        assert masked == "*" * len(compact)
    assert mask_id_number(masked) == masked


@given(st.one_of(id18(), id15()), free_text, free_text, SEPARATORS, SEPARATORS)
@example("11010519491231002X", "我的身份证", "办不了", "", "")
def test_redact_never_leaves_an_id_number_in_text(number: str, left: str, right: str, sep1: str, sep2: str) -> None:
    out = redact(f"{left}{sep1}{number}{sep2}{right}")
    assert number not in out
    assert mask_id_number(number) in out
    assert redact(out) == out


@given(mobiles, free_text, SEPARATORS)
def test_a_mobile_number_never_shows_its_middle_digits(mobile: str, left: str, sep: str) -> None:
    assert mask_phone(mobile) == mobile[:3] + "****" + mobile[-4:]
    for written in (f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}", f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
                    f"0086{mobile}"):
        assert mask_phone(written) == mobile[:3] + "****" + mobile[-4:]
    out = redact(f"{left}{sep}{mobile}{sep}")
    assert mobile not in out and f"{mobile[:3]}****{mobile[-4:]}" in out


@given(st.text(alphabet="0123456789-() +", max_size=20))
def test_any_phone_shows_at_most_its_last_four_characters(phone: str) -> None:
    masked = mask_phone(phone)
    shown = masked.replace("*", "")
    assert len(shown) <= 7  # a mobile's 3 + 4; anything else at most 4
    if len(shown) > 4:
        assert masked[3:7] == "****"
    assert mask_phone(masked) == masked


@given(st.text(min_size=1, max_size=12).filter(str.strip))
@example("张三")
@example("欧阳娜娜")
@example("SMITH, JOHN")
def test_a_name_shows_nothing_beyond_its_first_character(name: str) -> None:
    masked = mask_name(name)
    s = name.strip()
    assert masked[0] == s[0] and set(masked[1:]) == {"*"}
    assert mask_name(masked) == masked


@given(st.text(max_size=40))
def test_an_address_shows_at_most_its_first_six_characters(address: str) -> None:
    masked = mask_address(address)
    s = address.strip()
    assert masked.replace("*", "") == (s[:6] if len(s) > 6 else "").replace("*", "")
    assert mask_address(masked) == masked


@given(st.one_of(id18(), id15(), st.text(max_size=20)))
def test_masking_a_masked_id_number_changes_nothing(value: str) -> None:
    once = mask_id_number(value)
    assert mask_id_number(once) == once
