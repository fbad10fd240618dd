"""Line-scanner payloads: terminators, AIM identifiers, GB18030, junk; fuzzed with Hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.code_scanner.lines import MAX_LINE_BYTES, LineSplitter, parse_line
from devices.code_scanner.protocol import CODE_TYPES, ScannedCode


@pytest.mark.parametrize(("raw", "expected"), [
    (b"A023", ScannedCode("unknown", "A023")),
    (b"]Q1https://zwfw.example.gov.cn/x", ScannedCode("qr", "https://zwfw.example.gov.cn/x")),
    (b"]C0RC-2024-000123", ScannedCode("code128", "RC-2024-000123")),
    (b"]L2PDF", ScannedCode("pdf417", "PDF")),
    ("办件编码".encode("gb18030"), ScannedCode("unknown", "办件编码")),
    ("办件编码".encode(), ScannedCode("unknown", "办件编码")),
    (b"  \x00A1\x07B2 \n", ScannedCode("unknown", "A1B2")),
    (b"]0not-aim", ScannedCode("unknown", "]0not-aim")),
])
def test_parse_line(raw: bytes, expected: ScannedCode) -> None:
    assert parse_line(raw) == expected


@pytest.mark.parametrize("raw", [b"", b"\r", b"   ", b"\x00\x00", b"]Q1"])
def test_empty_lines_are_not_codes(raw: bytes) -> None:
    assert parse_line(raw) is None


@pytest.mark.parametrize(("terminator", "wire"), [
    ("\r", b"AB12\rCD34\r"), ("\n", b"AB12\nCD34\n"), ("\r\n", b"AB12\r\nCD34\r\n"), ("\t", b"AB12\tCD34\t"),
    ("\r", b"AB12\r\nCD34\r\n"),  # scanner set to CR LF, driver to CR: still two clean codes
])
def test_terminators_and_split_reads(terminator: str, wire: bytes) -> None:
    splitter = LineSplitter(terminator)
    codes = []
    for i in range(len(wire)):  # one byte at a time, as a slow line delivers it
        codes += splitter.parse(wire[i:i + 1])
    assert [c.text for c in codes] == ["AB12", "CD34"]


def test_overlong_junk_is_dropped_and_the_next_line_survives() -> None:
    splitter = LineSplitter("\r")
    assert splitter.parse(b"x" * (MAX_LINE_BYTES + 10)) == []
    assert [c.text for c in splitter.parse(b"junk\rGOOD-1\r")] == ["junk", "GOOD-1"]
    assert splitter.dropped == 1


def test_unknown_terminator() -> None:
    with pytest.raises(ValueError, match="expected one of"):
        LineSplitter(";")


@given(st.binary(max_size=600), st.sampled_from(["\r", "\n", "\r\n", "\t"]))
def test_any_bytes_give_codes_or_nothing_never_a_crash(data: bytes, terminator: str) -> None:
    for code in LineSplitter(terminator).parse(data):
        assert code.type in CODE_TYPES
        assert code.text and code.text == code.text.strip("\r\n\t \x00")


@given(st.lists(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x9FFF,
                                               exclude_categories=("Cs", "Cc", "Zs")), min_size=1, max_size=40),
                min_size=1, max_size=5))
def test_printable_lines_round_trip(texts: list[str]) -> None:
    wire = b"".join(t.encode("utf-8") + b"\r" for t in texts)
    expected = [t[3:] if (p := parse_line(t.encode())) and p.type != "unknown" else t for t in texts]
    expected = [t for t in expected if t]
    assert [c.text for c in LineSplitter("\r").parse(wire)] == expected
