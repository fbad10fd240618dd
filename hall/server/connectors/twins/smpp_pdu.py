"""SMPP 3.4 PDUs for the gateway twin: the header, C-strings, the submit_sm/deliver_sm body and TLVs.

Written from the specification (SMPP v3.4, §3 and §4), independent of the client library.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

HEADER = struct.Struct(">IIII")
RESP = 0x80000000
GENERIC_NACK = 0x80000000
BIND_RECEIVER, BIND_TRANSMITTER, SUBMIT_SM, DELIVER_SM, UNBIND = 0x01, 0x02, 0x04, 0x05, 0x06
BIND_TRANSCEIVER, ENQUIRE_LINK = 0x09, 0x15
BINDS = {BIND_RECEIVER, BIND_TRANSMITTER, BIND_TRANSCEIVER}
ESME_ROK, ESME_RINVCMDID, ESME_RINVBNDSTS, ESME_RSYSERR = 0x00, 0x03, 0x04, 0x08
ESME_RBINDFAIL, ESME_RINVPASWD, ESME_RINVSYSID, ESME_RTHROTTLED = 0x0D, 0x0E, 0x0F, 0x58
TLV_RECEIPTED_MESSAGE_ID, TLV_MESSAGE_STATE = 0x001E, 0x0427
MESSAGE_STATES = {"DELIVRD": 2, "EXPIRED": 3, "UNDELIV": 5, "REJECTD": 8}
MAX_PDU = 64 * 1024


class PduError(ValueError):
    """A PDU that does not parse (the twin answers generic_nack)."""


@dataclass(frozen=True)
class Pdu:
    command_id: int
    status: int
    sequence: int
    body: bytes = b""

    def encode(self) -> bytes:
        return HEADER.pack(HEADER.size + len(self.body), self.command_id, self.status, self.sequence) + self.body


@dataclass(frozen=True)
class ShortMessage:
    """The body of a submit_sm or deliver_sm (the same layout, §4.4.1 and §4.6.1)."""

    source_addr: str
    destination_addr: str
    esm_class: int = 0
    registered_delivery: int = 0
    data_coding: int = 0
    short_message: bytes = b""
    service_type: str = ""
    tlvs: dict[int, bytes] = field(default_factory=dict)

    def encode(self) -> bytes:
        out = bytearray(cstr(self.service_type))
        out += bytes([1, 1]) + cstr(self.source_addr) + bytes([1, 1]) + cstr(self.destination_addr)
        out += bytes([self.esm_class, 0, 0]) + cstr("") + cstr("")
        out += bytes([self.registered_delivery, 0, self.data_coding, 0, len(self.short_message)])
        out += self.short_message
        for tag, value in self.tlvs.items():
            out += struct.pack(">HH", tag, len(value)) + value
        return bytes(out)


def cstr(text: str) -> bytes:
    return text.encode("ascii", "replace") + b"\0"


class Reader:
    """Reads the fields of one body in order; every overrun is a PduError."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def cstring(self, limit: int = 256) -> str:
        end = self.data.find(b"\0", self.pos, self.pos + limit)
        if end < 0:
            raise PduError("C-string without its terminating NUL")
        value, self.pos = self.data[self.pos:end], end + 1
        return value.decode("ascii", "replace")

    def u8(self) -> int:
        if self.pos >= len(self.data):
            raise PduError("body too short")
        self.pos += 1
        return self.data[self.pos - 1]

    def octets(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise PduError("body too short")
        self.pos += n
        return self.data[self.pos - n:self.pos]

    def tlvs(self) -> dict[int, bytes]:
        out: dict[int, bytes] = {}
        while self.pos < len(self.data):
            tag, length = struct.unpack(">HH", self.octets(4))
            out[tag] = self.octets(length)
        return out


def parse_bind(body: bytes) -> tuple[str, str]:
    """(system_id, password) of a bind_* body."""
    r = Reader(body)
    return r.cstring(16), r.cstring(9)


def parse_short_message(body: bytes) -> ShortMessage:
    r = Reader(body)
    service_type = r.cstring(6)
    r.u8(), r.u8()
    source = r.cstring(21)
    r.u8(), r.u8()
    dest = r.cstring(21)
    esm_class = r.u8()
    r.u8(), r.u8()
    r.cstring(17), r.cstring(17)
    registered, _replace, coding, _default = r.u8(), r.u8(), r.u8(), r.u8()
    text = r.octets(r.u8())
    return ShortMessage(source, dest, esm_class, registered, coding, text, service_type, r.tlvs())


def split_udh(esm_class: int, data: bytes) -> tuple[tuple[int, int, int] | None, bytes]:
    """((reference, total, part) of a concatenated message or None, the text bytes) — UDHI bit 0x40."""
    if not esm_class & 0x40 or not data:
        return None, data
    header_len = data[0]
    header, rest = data[1:1 + header_len], data[1 + header_len:]
    pos = 0
    while pos + 2 <= len(header):
        iei, length = header[pos], header[pos + 1]
        value = header[pos + 2:pos + 2 + length]
        if iei == 0x00 and length == 3:
            return (value[0], value[1], value[2]), rest
        if iei == 0x08 and length == 4:
            return ((value[0] << 8) | value[1], value[2], value[3]), rest
        pos += 2 + length
    return None, rest


def decode_text(data_coding: int, data: bytes) -> str:
    """UCS-2 (data_coding 8) as UTF-16BE; the default alphabet and Latin-1 as Latin-1 (ASCII for tests)."""
    if data_coding == 8:
        return data.decode("utf-16-be", "replace")
    return data.decode("latin-1")


def receipt_text(message_id: str, stat: str, when: str) -> bytes:
    """The delivery receipt's short_message (SMPP 3.4 Appendix B)."""
    err = "000" if stat == "DELIVRD" else "001"
    return (f"id:{message_id} sub:001 dlvrd:{'001' if stat == 'DELIVRD' else '000'} submit date:{when} "
            f"done date:{when} stat:{stat} err:{err} text:").encode("ascii")
