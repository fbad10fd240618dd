"""The SSSE read sequence, independent of the transport: select, read by tag, authenticate (3.0).

``raw`` sends one C-APDU and returns the R-APDU (data + SW1 SW2); :class:`ApduChannel` adds the
T=0 conventions (61xx → GET RESPONSE, 6Cxx → resend with the right Le) that PC/SC leaves to us.
Items are read by tag (``00 B2 <tag> 00 Le``) because record numbers shift between card versions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from devices.errors import CardReadError, ProtocolError
from devices.ss_card import records as r
from devices.ss_card.protocol import SsCardRecord
from devices.ss_card.psam import Psam, PsamError, PsamKeys, authenticate

log = logging.getLogger(__name__)

SSSE_AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
SW_OK, SW_SECURITY, SW_NOT_FOUND, SW_RECORD_NOT_FOUND = 0x9000, 0x6982, 0x6A82, 0x6A83

Raw = Callable[[bytes], bytes]


class SsCardError(CardReadError):
    """The card answered a status word that stops the read."""

    code = "device.ss_card.card_error"


class ApduChannel:
    """Send APDUs, following 61xx/6Cxx; returns (data, sw)."""

    MAX_CHAINS = 16  # a card answering 61xx forever must not hang the reader

    def __init__(self, raw: Raw) -> None:
        self._raw = raw

    def _once(self, apdu: bytes) -> tuple[bytes, int]:
        resp = self._raw(apdu)
        if len(resp) < 2:
            raise ProtocolError(f"R-APDU of {len(resp)} bytes has no status word", code="device.ss_card.apdu")
        return bytes(resp[:-2]), (resp[-2] << 8) | resp[-1]

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        data, sw = self._once(apdu)
        out = b""
        for _ in range(self.MAX_CHAINS):
            if sw >> 8 == 0x6C:  # wrong Le: resend with the Le the card asked for
                body = apdu[:-1] if _has_le(apdu) else apdu
                data, sw = self._once(body + bytes([sw & 0xFF]))
            elif sw >> 8 == 0x61:  # more data waiting: GET RESPONSE
                out += data
                data, sw = self._once(bytes([0x00, 0xC0, 0x00, 0x00, sw & 0xFF]))
            else:
                return out + data, sw
        raise ProtocolError("card kept answering 61xx/6Cxx", code="device.ss_card.apdu")


def _has_le(apdu: bytes) -> bool:
    """Short APDUs: case 2 (5 bytes) and case 4 (5 + Lc + 1) end with Le."""
    if len(apdu) == 5:
        return True
    return len(apdu) > 5 and len(apdu) == 6 + apdu[4]


def _read_item(ch: ApduChannel, tag: int) -> bytes | None:
    """One item of the current EF by tag; None when the card withholds it (6982)."""
    data, sw = ch.transmit(bytes([0x00, 0xB2, tag, 0x00, 0x00]))
    if sw == SW_SECURITY:
        return None
    if sw == SW_RECORD_NOT_FOUND:
        return b""
    if sw != SW_OK:
        raise SsCardError(f"READ RECORD {tag:02X} answered SW {sw:04X}")
    return r.parse_tlv(data, expect_tag=tag)[1]


def _select_ef(ch: ApduChannel, fid: int) -> None:
    _, sw = ch.transmit(bytes([0x00, 0xA4, 0x02, 0x00, 0x02, 0xEF, fid]))
    if sw == SW_NOT_FOUND:
        raise SsCardError(f"file EF{fid:02X} not found (6A82)", code="device.ss_card.file_not_found")
    if sw != SW_OK:
        raise SsCardError(f"SELECT EF{fid:02X} answered SW {sw:04X}")


def select_ssse(ch: ApduChannel) -> bytes:
    """Select the social-security environment; returns the FCI. Not an SSSE card → SsCardError."""
    fci, sw = ch.transmit(bytes([0x00, 0xA4, 0x04, 0x00, len(SSSE_AID)]) + SSSE_AID + b"\x00")
    if sw == SW_NOT_FOUND:
        raise SsCardError("no social-security application on this card (6A82)", code="device.ss_card.not_ssse")
    if sw != SW_OK:
        raise SsCardError(f"SELECT SSSE answered SW {sw:04X}")
    return fci


def algorithm_id(fci: bytes) -> int:
    """``9F0C 03 86 01 xx`` in the FCI names the card's algorithm; absent means 01 (as SI_3rdCard)."""
    pos = fci.find(bytes.fromhex("9F0C038601"))
    return fci[pos + 5] if pos >= 0 and pos + 5 < len(fci) else 0x01


def read_card(
    raw: Raw, *, atr: bytes, psam: Psam | None = None, psam_keys: PsamKeys | None = None
) -> SsCardRecord:
    """Run the whole read. Raises SsCardError / RecordError / PsamError and the transport's errors."""
    ch = ApduChannel(raw)
    select_ssse(ch)
    _select_ef(ch, 0x05)
    card_id_raw, version_raw, number_raw = (_read_item(ch, t) for t in (1, 3, 7))
    if not card_id_raw or not version_raw or not number_raw:
        raise SsCardError("card withholds its card number (6982)", code="device.ss_card.security")
    card_id = r.decode_card_id(card_id_raw)
    version = r.decode_version(version_raw)
    if version.startswith("3") and psam is not None:
        try:
            authenticate(ch.transmit, psam, card_id=bytes.fromhex(card_id), keys=psam_keys)
        except PsamError as exc:
            if exc.code == "device.ss_card.not_genuine":
                raise
            log.warning("PSAM authentication failed (%s); holder data stays unavailable", exc.code)
    card_type_raw, issue_raw, expiry_raw = (_read_item(ch, t) for t in (2, 5, 6))
    fields: dict[str, str | None] = {
        "card_type": _optional(lambda b: r.decode_ascii(b, what="card type"), card_type_raw),
        "issue_date": _optional(r.decode_date, issue_raw),
        "valid_until": _optional(r.decode_date, expiry_raw),
    }
    holder = _read_holder(ch)
    return SsCardRecord(
        card_number=r.decode_ascii(number_raw, what="card number")[:9],
        card_version=version,
        region_code=card_id[:6],
        card_id=card_id,
        holder_data="read" if holder else "needs_psam",
        atr=bytes(atr),
        **fields,
        **(holder or {}),
    )


def _read_holder(ch: ApduChannel) -> dict[str, str | None] | None:
    _select_ef(ch, 0x06)
    id_raw = _read_item(ch, r.TAG_ID_NUMBER)
    if id_raw is None:
        return None
    name_raw = _read_item(ch, r.TAG_NAME)
    if name_raw is None:
        return None
    ext = _read_item(ch, r.TAG_NAME_EXT)  # 1.0 cards: 6A83 → b""
    sex, nation, place, birth = (_read_item(ch, t) for t in (0x0A, 0x0B, 0x0C, 0x0D))
    return {
        "id_number": r.decode_ascii(id_raw, what="ID number"),
        "name": r.full_name(name_raw, ext or None),
        "sex": _optional(r.decode_sex, sex),
        "nation": _optional(r.decode_nation, nation),
        "birthplace": _optional(r.decode_bcd, place),
        "birth_date": _optional(r.decode_date, birth),
    }


def _optional(decode: Callable[[bytes], str | None], raw: bytes | None) -> str | None:
    """Secondary items: a card that writes one oddly still gives the rest (the item becomes None).
    Card number, version, ID number and name stay strict: without them the read has failed."""
    if not raw:
        return None
    try:
        return decode(raw)
    except r.RecordError as exc:
        log.warning("ss_card: unreadable item ignored (%s)", exc.code)
        return None
