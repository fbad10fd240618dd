"""A virtual social-security card (SSSE application, LD/T 32.5) served through vpcd.

Configurable generation (1.0 / 2.0 / 3.0), holder and issuer data, answer style (T=0: 61xx then
GET RESPONSE and 6Cxx on a wrong Le; T=1: data straight away) and faults (card pulled mid-read,
6A82 on the holder file, 6982 on every read). A 3.0 card hides all but card id, version and card
number until external authentication with a key derived from the issuer's master key succeeds.
"""

from __future__ import annotations

import enum
import os
import threading
from dataclasses import dataclass, field

from devices.ss_card import records as r
from devices.ss_card.psam import derive_card_key, sm4_ecb
from devices.twins.ss_card.vpcd import CardPulled

SSSE_AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
# Demo master keys only: a real PSAM holds the issuer's keys; these are what the virtual PSAM holds.
DEMO_INTERNAL_MASTER = bytes.fromhex("11223344556677888877665544332211")
DEMO_EXTERNAL_MASTER = bytes.fromhex("A1A2A3A4A5A6A7A8B1B2B3B4B5B6B7B8")

SW_OK, SW_NOT_FOUND, SW_SECURITY = b"\x90\x00", b"\x6a\x82", b"\x69\x82"
SW_RECORD_NOT_FOUND, SW_WRONG_LENGTH, SW_INS = b"\x6a\x83", b"\x67\x00", b"\x6d\x00"
SW_CLA, SW_P1P2, SW_AUTH_FAILED, SW_NO_CHALLENGE = b"\x6e\x00", b"\x6a\x86", b"\x63\xc2", b"\x69\x84"


class Fault(enum.StrEnum):
    NONE = "none"
    PULL_MID_READ = "pull_mid_read"  # socket closed while the holder's name is being read
    FILE_NOT_FOUND = "6a82"  # SELECT EF06 → 6A82
    SECURITY = "6982"  # every READ RECORD → 6982


@dataclass(frozen=True)
class Holder:
    """Holder data written to EF06 (test identities only)."""

    name: str = "张三"
    name_extension: str = ""  # tag 4E, only on 2.0/3.0 cards
    id_number: str = "110101199003071233"
    sex: str = "1"
    nation: str = "01"
    birthplace: str = "110101"
    birth_date: str = "19900307"


@dataclass(frozen=True)
class Issuer:
    """Issuer data written to EF05."""

    card_id: str = "110100D156000005A1B2C3D4E5F60718"
    card_type: str = "1"
    card_number: str = "A12345678"
    init_org: str = "110100000000000000000000"
    issue_date: str = "20200115"
    expiry_date: str = "20300115"


ATR_T0 = bytes.fromhex("3B6C0000") + b"SSSE-SIM-T=0"
_ATR_T1_BODY = bytes.fromhex("3B8C8101") + b"SSSE-SIM-T=1"


def _with_tck(atr: bytes) -> bytes:
    tck = 0
    for b in atr[1:]:
        tck ^= b
    return atr + bytes([tck])


ATR_T1 = _with_tck(_ATR_T1_BODY)


@dataclass
class VirtualSsCard:
    """The card model behind one vpcd slot. ``commands`` keeps every C-APDU for tests."""

    generation: str = "2.0"
    holder: Holder = field(default_factory=Holder)
    issuer: Issuer = field(default_factory=Issuer)
    answer_style: str = "t0"  # "t0" or "t1"
    fault: Fault = Fault.NONE
    internal_master: bytes = DEMO_INTERNAL_MASTER
    external_master: bytes = DEMO_EXTERNAL_MASTER
    commands: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.generation not in ("1.0", "2.0", "3.0"):
            raise ValueError(f"generation {self.generation!r}; expected 1.0, 2.0 or 3.0")
        if self.answer_style not in ("t0", "t1"):
            raise ValueError(f"answer_style {self.answer_style!r}; expected t0 or t1")
        self.fault = Fault(self.fault)
        self._lock = threading.Lock()
        self._files = {0x05: self._ef05(), 0x06: self._ef06()}
        div = bytes.fromhex(self.issuer.card_id)[8:]
        self._key_int = derive_card_key(self.internal_master, div)
        self._key_ext = derive_card_key(self.external_master, div)
        self.reset()

    # -- file contents --------------------------------------------------------------------------
    def _ef05(self) -> list[tuple[int, bytes]]:
        i = self.issuer
        return [
            (r.TAG_CARD_ID, bytes.fromhex(i.card_id)),
            (r.TAG_CARD_TYPE, i.card_type.encode("ascii")),
            (r.TAG_VERSION, f"{self.generation}0".encode("ascii")),
            (r.TAG_INIT_ORG, r.encode_bcd(i.init_org, 12)),
            (r.TAG_ISSUE_DATE, r.encode_bcd(i.issue_date, 4)),
            (r.TAG_EXPIRY_DATE, r.encode_bcd(i.expiry_date, 4)),
            (r.TAG_CARD_NUMBER, i.card_number.encode("ascii")),
        ]

    def _ef06(self) -> list[tuple[int, bytes]]:
        h = self.holder
        items = [
            (r.TAG_ID_NUMBER, h.id_number.encode("ascii")),
            (r.TAG_NAME, r.encode_text(h.name, 30)),
        ]
        if self.generation != "1.0":  # 1.0 cards have no name extension: record numbers shift
            items.append((r.TAG_NAME_EXT, r.encode_text(h.name_extension, 20)))
        items += [
            (r.TAG_SEX, h.sex.encode("ascii")),
            (r.TAG_NATION, r.encode_bcd(h.nation, 1)),
            (r.TAG_BIRTHPLACE, r.encode_bcd(h.birthplace, 3)),
            (r.TAG_BIRTH_DATE, r.encode_bcd(h.birth_date, 4)),
        ]
        return items

    def fci(self) -> bytes:
        body = b"\x84" + bytes([len(SSSE_AID)]) + SSSE_AID
        prop = b"\x9f\x08\x01" + bytes([int(self.generation[0])])
        if self.generation == "3.0":
            prop += bytes.fromhex("9F0C03860104")  # algorithm: SM4
        body += b"\xa5" + bytes([len(prop)]) + prop
        return b"\x6f" + bytes([len(body)]) + body

    # -- vpcd VirtualCard -----------------------------------------------------------------------
    def atr(self) -> bytes:
        return ATR_T0 if self.answer_style == "t0" else ATR_T1

    def power(self, on: bool) -> None:
        self.reset()

    def reset(self) -> None:
        self._app = False
        self._ef: int | None = None
        self._authenticated = False
        self._challenges: list[bytes] = []
        self._pending = b""

    def apdu(self, command: bytes) -> bytes:
        with self._lock:
            self.commands.append(bytes(command))
            return self._dispatch(command)

    # -- commands -------------------------------------------------------------------------------
    def _dispatch(self, c: bytes) -> bytes:
        if len(c) < 4:
            return SW_WRONG_LENGTH
        cla, ins, p1, p2 = c[0], c[1], c[2], c[3]
        if cla != 0x00:
            return SW_CLA
        lc_data, le = _split_body(c[4:])
        if lc_data is None:
            return SW_WRONG_LENGTH
        if ins == 0xC0:
            return self._get_response(le)
        self._pending = b""
        if ins == 0xA4:
            return self._select(p1, lc_data)
        if ins == 0xB2:
            return self._read_record(p1, p2, le)
        if ins == 0x84:
            return self._answer_le(os.urandom(8) if le in (8, None, 0) else b"", le, challenge=True)
        if ins == 0x88:
            return self._internal_auth(lc_data)
        if ins == 0x82:
            return self._external_auth(lc_data)
        return SW_INS

    def _case4(self, data: bytes) -> bytes:
        """Answer a command that carried data and expects data, in this card's style."""
        if not data:
            return SW_OK
        if self.answer_style == "t0":
            self._pending = data
            return b"\x61" + bytes([len(data) & 0xFF])
        return data + SW_OK

    def _get_response(self, le: int | None) -> bytes:
        data, self._pending = self._pending, b""
        if not data:
            return b"\x6f\x00"
        if le not in (None, 0) and le != len(data):
            self._pending = data
            return b"\x6c" + bytes([len(data)])
        return data + SW_OK

    def _answer_le(self, data: bytes, le: int | None, *, challenge: bool = False) -> bytes:
        """Case 2: T=0 cards insist on the exact Le (6Cxx); T=1 cards send what there is."""
        if challenge:
            if not data:
                return SW_WRONG_LENGTH
            self._challenges = [*self._challenges[-1:], data]
        if self.answer_style == "t0" and (le is None or (le or 256) != len(data)):
            if challenge:
                self._challenges.pop()
            return b"\x6c" + bytes([len(data)])
        limit = le or 256
        return data[:limit] + SW_OK

    def _select(self, p1: int, data: bytes) -> bytes:
        if p1 == 0x04:
            if data != SSSE_AID:
                return SW_NOT_FOUND
            # (re)selecting the application starts a new session: security status is lost
            self._app, self._ef, self._authenticated = True, None, False
            return self._case4(self.fci())
        if p1 == 0x00 and data in (b"", b"\x3f\x00"):
            self._app, self._ef = False, None
            return SW_OK
        if p1 == 0x02 and self._app and data in (b"\xef\x05", b"\xef\x06"):
            if data == b"\xef\x06" and self.fault is Fault.FILE_NOT_FOUND:
                return SW_NOT_FOUND
            self._ef = data[1]
            return SW_OK
        return SW_NOT_FOUND

    def _readable(self, tag: int) -> bool:
        if self.fault is Fault.SECURITY:
            return False
        if self.generation == "3.0" and not self._authenticated:
            return tag in (r.TAG_CARD_ID, r.TAG_VERSION, r.TAG_CARD_NUMBER)
        return True

    def _read_record(self, p1: int, p2: int, le: int | None) -> bytes:
        sfi, mode = p2 >> 3, p2 & 0x07
        ef = sfi or self._ef
        if not self._app or ef not in self._files:
            return SW_NOT_FOUND
        if sfi:
            self._ef = sfi
        items = self._files[ef]
        if mode == 0x04:
            if not 1 <= p1 <= len(items):
                return SW_RECORD_NOT_FOUND
            tag, value = items[p1 - 1]
        elif mode == 0x00:
            found = [item for item in items if item[0] == p1]
            if not found:
                return SW_RECORD_NOT_FOUND
            tag, value = found[0]
        else:
            return SW_P1P2
        if not self._readable(tag):
            return SW_SECURITY
        if self.fault is Fault.PULL_MID_READ and tag == r.TAG_NAME:
            raise CardPulled
        return self._answer_le(bytes([tag, len(value)]) + value, le)

    def _internal_auth(self, data: bytes) -> bytes:
        if len(data) != 16:
            return SW_WRONG_LENGTH
        return self._case4(sm4_ecb(self._key_int, data)[:8])

    def _external_auth(self, data: bytes) -> bytes:
        if len(self._challenges) < 2:
            return SW_NO_CHALLENGE
        expected = sm4_ecb(self._key_ext, self._challenges[0] + self._challenges[1])
        self._challenges = []
        if data != expected:
            return SW_AUTH_FAILED
        self._authenticated = True
        return SW_OK


def _split_body(body: bytes) -> tuple[bytes | None, int | None]:
    """Short APDU body → (command data, Le); (None, None) when the lengths do not add up."""
    if not body:
        return b"", None
    if len(body) == 1:
        return b"", body[0]
    lc = body[0]
    if len(body) == 1 + lc:
        return body[1:], None
    if len(body) == 2 + lc:
        return body[1 : 1 + lc], body[-1]
    return None, None
