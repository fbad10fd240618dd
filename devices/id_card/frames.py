"""GA 467 frame codec: ``AA AA AA 96 69 | LEN(2, BE) | body | CHK``.

LEN counts the bytes after it, CHK included; CHK is the XOR of LEN and body. A request body is
``CMD PARA [DATA]``, a response body ``SW1 SW2 SW3 [DATA]``. :class:`FrameDecoder` is incremental:
it takes whatever the line delivered, keeps split frames until they complete and skips garbage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from typing import ClassVar

from devices.id_card.errors import FrameChecksumError, FrameError, FrameFormatError, FrameLengthError
from devices.id_card.sw import Sw3, check

PREAMBLE = bytes.fromhex("AAAAAA9669")
HEADER_LEN = len(PREAMBLE) + 2
# The longest real answer (text + photo + fingerprint) has LEN 2314; anything far above is garbage,
# and refusing it early stops one corrupt length from swallowing the next real frame.
MAX_LEN = 0x1000
MIN_LEN = 3  # CMD PARA CHK, the shortest request


class Command:
    """Command and parameter bytes (RIGS.md)."""

    RESET = (0x10, 0xFF)
    STATUS = (0x11, 0xFF)
    SAM_ID = (0x12, 0xFF)
    FIND = (0x20, 0x01)
    SELECT = (0x20, 0x02)
    READ = (0x30, 0x01)
    READ_ADDRESS = (0x30, 0x03)
    READ_FINGERPRINT = (0x30, 0x10)
    SET_BAUD: ClassVar[dict[int, tuple[int, int]]] = {
        115200: (0x60, 0x00), 57600: (0x60, 0x01), 38400: (0x60, 0x02),
        19200: (0x60, 0x03), 9600: (0x60, 0x04),
    }


def xor(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def encode(body: bytes) -> bytes:
    """Wrap a request or response body in a frame."""
    if not MIN_LEN <= len(body) + 1 <= MAX_LEN:
        raise FrameLengthError(f"frame body of {len(body)} bytes; expected {MIN_LEN - 1}..{MAX_LEN - 1}")
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([xor(length + body)])


def encode_request(cmd: int, para: int, data: bytes = b"") -> bytes:
    return encode(bytes([cmd, para]) + data)


def encode_response(sw3: int, data: bytes = b"", *, sw1: int = 0, sw2: int = 0) -> bytes:
    return encode(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True, slots=True)
class Frame:
    """One checked frame; ``body`` is everything between LEN and CHK."""

    body: bytes = field(repr=False)

    def as_request(self) -> Request:
        if len(self.body) < 2:
            raise FrameFormatError(f"request body of {len(self.body)} bytes; expected CMD PARA [DATA]")
        return Request(self.body[0], self.body[1], self.body[2:])

    def as_response(self) -> Response:
        if len(self.body) < 3:
            raise FrameFormatError(f"response body of {len(self.body)} bytes; expected SW1 SW2 SW3 [DATA]")
        return Response(self.body[0], self.body[1], self.body[2], self.body[3:])


@dataclass(frozen=True, slots=True)
class Request:
    cmd: int
    para: int
    data: bytes = field(default=b"", repr=False)

    @property
    def command(self) -> tuple[int, int]:
        return (self.cmd, self.para)

    def encode(self) -> bytes:
        return encode_request(self.cmd, self.para, self.data)


@dataclass(frozen=True, slots=True)
class Response:
    sw1: int
    sw2: int
    sw3: int
    data: bytes = field(default=b"", repr=False)

    def result(self, *, command: str) -> Sw3:
        """The typed SW3 result; raises the typed SAM error for a failure status."""
        return check(self.sw3, command=command)

    def encode(self) -> bytes:
        return encode_response(self.sw3, self.data, sw1=self.sw1, sw2=self.sw2)


def decode(raw: bytes) -> Frame:
    """Decode exactly one complete frame; raises a FrameError subclass on anything else."""
    decoder = FrameDecoder()
    items = decoder.feed(raw)
    for item in items:
        if isinstance(item, FrameError):
            raise item
    if decoder.pending or decoder.discarded:
        raise FrameFormatError("bytes outside one complete frame")
    if len(items) != 1 or not isinstance(items[0], Frame):
        raise FrameFormatError(f"{len(items)} frames; expected exactly one")
    return items[0]


class FrameDecoder:
    """Feed bytes as they arrive; get complete frames or typed frame errors back, in order.

    Never raises for bad input: garbage is skipped (counted in ``discarded``), a frame with a bad
    length or checksum is reported as an error item and scanning restarts one byte after its
    preamble, so a false preamble inside garbage cannot hide the real frame behind it.
    """

    def __init__(self, *, max_len: int = MAX_LEN) -> None:
        self._buf = bytearray()
        self._max_len = max_len
        self.discarded = 0

    @property
    def pending(self) -> int:
        """Bytes held back waiting for the rest of a frame."""
        return len(self._buf)

    def reset(self) -> None:
        self._buf.clear()

    def feed(self, data: bytes) -> list[Frame | FrameError]:
        self._buf += data
        out: list[Frame | FrameError] = []
        while True:
            start = self._buf.find(PREAMBLE)
            if start < 0:
                # keep a tail that may be the beginning of a preamble split across reads
                keep = self._preamble_prefix_len()
                self.discarded += len(self._buf) - keep
                del self._buf[: len(self._buf) - keep]
                return out
            if start:
                self.discarded += start
                del self._buf[:start]
            if len(self._buf) < HEADER_LEN:
                return out
            length = int.from_bytes(self._buf[5:7], "big")
            if not MIN_LEN <= length <= self._max_len:
                out.append(FrameLengthError(f"frame length {length}; expected {MIN_LEN}..{self._max_len}"))
                self._skip_preamble()
                continue
            end = HEADER_LEN + length
            if len(self._buf) < end:
                return out
            covered = bytes(self._buf[5 : end - 1])
            if xor(covered) != self._buf[end - 1]:
                out.append(FrameChecksumError(
                    f"checksum 0x{self._buf[end - 1]:02X}, computed 0x{xor(covered):02X}"))
                self._skip_preamble()
                continue
            out.append(Frame(bytes(self._buf[HEADER_LEN : end - 1])))
            del self._buf[:end]

    def _skip_preamble(self) -> None:
        self.discarded += 1
        del self._buf[:1]

    def _preamble_prefix_len(self) -> int:
        for n in range(min(len(PREAMBLE) - 1, len(self._buf)), 0, -1):
            if self._buf.endswith(PREAMBLE[:n]):
                return n
        return 0
