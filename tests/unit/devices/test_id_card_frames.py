"""GA 467 frame codec and SW3 results: RIGS.md examples byte for byte, resync, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import CardReadError, DeviceError, NoCard, ProtocolError
from devices.id_card import errors as e
from devices.id_card.frames import (
    MAX_LEN,
    Command,
    Frame,
    FrameDecoder,
    Response,
    decode,
    encode,
    encode_request,
    encode_response,
)
from devices.id_card.sw import Sw3, check, describe

REQUESTS = {
    "AAAAAA96690003200122": Command.FIND,
    "AAAAAA96690003200221": Command.SELECT,
    "AAAAAA96690003300132": Command.READ,
    "AAAAAA9669000312FFEE": Command.SAM_ID,
}
FIND_OK = "AAAAAA9669000800009F0000000097"
NO_CARD = "AAAAAA9669000400008084"


@pytest.mark.parametrize(("hex_frame", "command"), REQUESTS.items())
def test_request_examples_round_trip(hex_frame: str, command: tuple[int, int]) -> None:
    raw = bytes.fromhex(hex_frame)
    assert encode_request(*command) == raw
    req = decode(raw).as_request()
    assert req.command == command and req.data == b""
    assert req.encode() == raw


def test_response_examples_round_trip() -> None:
    found = decode(bytes.fromhex(FIND_OK)).as_response()
    assert (found.sw1, found.sw2, found.sw3, found.data) == (0, 0, 0x9F, bytes(4))
    assert found.result(command="find") is Sw3.FIND_OK
    assert encode_response(Sw3.FIND_OK, bytes(4)) == bytes.fromhex(FIND_OK)
    none = decode(bytes.fromhex(NO_CARD)).as_response()
    assert none.encode() == bytes.fromhex(NO_CARD)
    with pytest.raises(e.SamNoCard) as info:
        none.result(command="find")
    assert isinstance(info.value, NoCard) and info.value.code == "id_card.sam.no_card"


def test_full_read_answer_is_1295_bytes() -> None:
    data = (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + bytes(256 + 1024)
    assert len(encode_response(Sw3.OK, data)) == 1295
    assert len(encode_response(Sw3.OK, data[:4] + (1024).to_bytes(2, "big") + data[4:] + bytes(1024))) == 2321


def test_split_frames_are_reassembled_at_every_cut() -> None:
    raw = bytes.fromhex(FIND_OK) + bytes.fromhex(NO_CARD)
    for cut in range(1, len(raw)):
        decoder = FrameDecoder()
        items = decoder.feed(raw[:cut]) + decoder.feed(raw[cut:])
        assert [i.as_response().sw3 for i in items if isinstance(i, Frame)] == [0x9F, 0x80]
        assert decoder.pending == 0


def test_byte_by_byte_with_garbage_and_false_preamble() -> None:
    noise = b"\x00\xff\x13AAAA\xaa\xaa\xaa\x96" + b"\xaa\xaa"
    decoder = FrameDecoder()
    out: list[object] = []
    for b in noise + bytes.fromhex(NO_CARD) + b"\x01\x02":
        out += decoder.feed(bytes([b]))
    frames = [i for i in out if isinstance(i, Frame)]
    assert len(frames) == 1 and frames[0].as_response().sw3 == 0x80
    assert decoder.discarded >= len(noise)


def test_bad_checksum_is_a_typed_error_and_the_next_frame_survives() -> None:
    bad = bytearray(bytes.fromhex(FIND_OK))
    bad[-1] ^= 0xFF
    items = FrameDecoder().feed(bytes(bad) + bytes.fromhex(NO_CARD))
    assert isinstance(items[0], e.FrameChecksumError) and items[0].code == "id_card.frame.checksum"
    assert isinstance(items[-1], Frame) and items[-1].as_response().sw3 == 0x80
    with pytest.raises(e.FrameChecksumError):
        decode(bytes(bad))


@pytest.mark.parametrize("length", [0, 1, 2, MAX_LEN + 1, 0xFFFF])
def test_length_out_of_range_is_a_typed_error(length: int) -> None:
    raw = bytes.fromhex("AAAAAA9669") + length.to_bytes(2, "big") + b"\x00" * 8
    items = FrameDecoder().feed(raw + bytes.fromhex(NO_CARD))
    assert isinstance(items[0], e.FrameLengthError)
    assert isinstance(items[-1], Frame)


def test_short_bodies_are_format_errors() -> None:
    with pytest.raises(e.FrameFormatError):
        Frame(b"\x20").as_request()
    with pytest.raises(e.FrameFormatError):
        Frame(b"\x00\x00").as_response()
    with pytest.raises(e.FrameLengthError):
        encode(b"")
    with pytest.raises(e.FrameFormatError):
        decode(bytes.fromhex(FIND_OK) + b"\x00")


EXPECTED_CLASSES: dict[int, type[DeviceError] | None] = {
    0x90: None, 0x9F: None, 0x91: CardReadError, 0x10: ProtocolError, 0x11: ProtocolError,
    0x21: ProtocolError, 0x23: ProtocolError, 0x24: ProtocolError, 0x31: CardReadError,
    0x32: CardReadError, 0x33: CardReadError, 0x37: CardReadError, 0x3F: CardReadError,
    0x40: CardReadError, 0x41: CardReadError, 0x47: CardReadError, 0x60: e.SamFault, 0x66: e.SamFault,
    0x80: NoCard, 0x81: NoCard,
}


@pytest.mark.parametrize(("sw3", "expected"), EXPECTED_CLASSES.items())
def test_every_rigs_status_byte_maps_to_a_typed_result(sw3: int, expected: type[DeviceError] | None) -> None:
    result = Sw3(sw3)
    assert result.code.startswith("id_card.sam.") and "undefined" not in describe(sw3)
    if expected is None:
        assert check(sw3, command="x") is result and result.success
        return
    with pytest.raises(expected) as info:
        Response(0, 0, sw3).result(command="read")
    assert info.value.code == result.code and info.value.sw3 == sw3  # type: ignore[attr-defined]


def test_every_enum_member_is_covered_and_unknown_status_is_typed() -> None:
    assert {int(s) for s in Sw3} == set(EXPECTED_CLASSES)
    with pytest.raises(e.SamUnknownStatus) as info:
        check(0x55, command="find")
    assert info.value.code == "id_card.sam.unknown_status" and isinstance(info.value, ProtocolError)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=8))
def test_any_bytes_give_frames_or_typed_errors(chunks: list[bytes]) -> None:
    decoder = FrameDecoder()
    for chunk in chunks:
        for item in decoder.feed(chunk):
            assert isinstance(item, Frame | e.FrameError)
            if isinstance(item, Frame):
                try:
                    item.as_response().result(command="fuzz")
                except DeviceError:
                    pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.binary(max_size=40), st.binary(min_size=2, max_size=200)), min_size=1, max_size=5),
       st.integers(min_value=1, max_value=64))
def test_frames_survive_garbage_and_any_chunking(pairs: list[tuple[bytes, bytes]], step: int) -> None:
    stream = b"".join(noise.replace(b"\xaa", b"\x00") + encode(body) for noise, body in pairs)
    decoder = FrameDecoder()
    frames = []
    for i in range(0, len(stream), step):
        frames += [x for x in decoder.feed(stream[i : i + step]) if isinstance(x, Frame)]
    assert [f.body for f in frames] == [body for _, body in pairs]
