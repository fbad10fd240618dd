"""Printable codes with a check character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hall.server.domain import codes

bodies = st.text(alphabet=codes.ALPHABET, min_size=1, max_size=20)


@given(bodies)
def test_round_trip_and_confusables(body: str) -> None:
    code = codes.with_check(body)
    assert codes.is_valid(code)
    assert codes.is_valid(codes.group(code).lower().replace("0", "o").replace("1", "l"))


@given(bodies, st.data())
def test_every_single_substitution_is_caught(body: str, data: st.DataObject) -> None:
    code = codes.with_check(body)
    pos = data.draw(st.integers(0, len(code) - 1))
    new = data.draw(st.sampled_from(codes.ALPHABET).filter(lambda c: c != code[pos]))
    assert not codes.is_valid(code[:pos] + new + code[pos + 1 :])


def test_garbage_is_invalid_not_an_error() -> None:
    for bad in ("", "A", "U1234", "你好", "!!!!"):
        assert not codes.is_valid(bad)


def test_random_and_token() -> None:
    assert len({codes.random_chars(8) for _ in range(50)}) == 50
    assert all(c in codes.ALPHABET for c in codes.random_chars(30))
    assert len(codes.public_token()) >= 22 and codes.public_token() != codes.public_token()
    assert codes.group("K7M29QXA3") == "K7M2-9QXA-3"
