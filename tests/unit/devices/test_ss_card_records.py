"""Record parser: known vectors, and any bytes → a typed value or RecordError (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import DeviceError, ProtocolError
from devices.ss_card import records as r
from devices.ss_card.ssse import read_card


def test_bcd_with_f_padding() -> None:
    assert r.decode_bcd(bytes.fromhex("1234FFFF")) == "1234"
    assert r.decode_bcd(bytes.fromhex("123F")) == "123"
    assert r.decode_bcd(bytes.fromhex("FFFF")) == ""
    with pytest.raises(r.RecordError):
        r.decode_bcd(bytes.fromhex("1F23"))
    with pytest.raises(r.RecordError):
        r.decode_bcd(bytes.fromhex("12A4"))


def test_dates() -> None:
    assert r.decode_date(bytes.fromhex("19900307")) == "1990-03-07"
    assert r.decode_date(bytes.fromhex("FFFFFFFF")) is None
    with pytest.raises(r.RecordError):
        r.decode_date(bytes.fromhex("19901307"))
    with pytest.raises(r.RecordError):
        r.decode_date(bytes.fromhex("1990FFFF"))


def test_gbk_name_with_extension_and_padding() -> None:
    name = r.encode_text("阿依古丽·买买提", 30)
    ext = r.encode_text("·艾合买提江", 20)
    assert len(name) == 30 and name.endswith(b"\x00")
    assert r.full_name(name, ext) == "阿依古丽·买买提·艾合买提江"
    assert r.full_name(r.encode_text("张三", 30), None) == "张三"
    assert r.full_name(r.encode_text("张三", 30), r.encode_text("", 20)) == "张三"
    with pytest.raises(r.RecordError):
        r.full_name(bytes(30), None)
    with pytest.raises(r.RecordError):
        r.decode_text(b"\x81\x20")  # half a GBK character


def test_tlv_and_items() -> None:
    assert r.parse_tlv(bytes.fromhex("0A0131"), expect_tag=0x0A) == (0x0A, b"1")
    with pytest.raises(r.RecordError):
        r.parse_tlv(bytes.fromhex("0A0531"))
    with pytest.raises(r.RecordError):
        r.parse_tlv(bytes.fromhex("0B0131"), expect_tag=0x0A)
    assert r.parse_items(bytes.fromhex("0A01310B0101FFFF")) == {0x0A: b"1", 0x0B: b"\x01"}


def test_codes() -> None:
    assert r.decode_sex(b"1") == "男" and r.decode_sex(b"2") == "女"
    assert r.decode_nation(bytes.fromhex("01")) == "汉" and r.decode_nation(bytes.fromhex("56")) == "基诺"
    assert r.decode_version(b"3.00") == "3.00" and r.decode_version(bytes.fromhex("2000")) == "2.00"
    card_id = bytes.fromhex("110100D156000005A1B2C3D4E5F60718")
    assert r.decode_card_id(card_id).startswith("110100")
    with pytest.raises(r.RecordError):
        r.decode_nation(bytes.fromhex("77"))


DECODERS = [
    r.decode_bcd, r.decode_text, r.decode_date, r.decode_card_id, r.decode_version, r.decode_sex,
    r.decode_nation, r.parse_items, lambda b: r.parse_tlv(b, expect_tag=9),
    lambda b: r.decode_ascii(b, what="x"), lambda b: r.full_name(b[:30], b[30:]),
]


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=64), which=st.integers(min_value=0, max_value=len(DECODERS) - 1))
def test_any_bytes_give_a_value_or_a_record_error(data: bytes, which: int) -> None:
    try:
        DECODERS[which](data)
    except r.RecordError as exc:
        assert isinstance(exc, ProtocolError) and exc.code == "device.ss_card.record"


@settings(max_examples=200, deadline=None)
@given(answers=st.lists(st.binary(max_size=40), min_size=1, max_size=40))
def test_any_card_answers_give_a_record_or_a_device_error(answers: list[bytes]) -> None:
    """A card answering garbage (any R-APDUs) never crashes the read sequence."""
    feed = iter(answers)

    def raw(apdu: bytes) -> bytes:
        return next(feed, b"\x6f\x00")

    try:
        read_card(raw, atr=b"\x3b\x00")
    except DeviceError:
        pass
