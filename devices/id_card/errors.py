"""Typed errors of the GA 467 reader, each with a stable code (``id_card.…``).

Frame errors are :class:`~devices.errors.ProtocolError`; SAM status bytes map onto the general
tree (no card, card read error, protocol rejection, SAM fault) so callers can catch either level.
"""

from __future__ import annotations

from devices.errors import CardReadError, CardRemoved, DeviceError, NoCard, ProtocolError


class FrameError(ProtocolError):
    """A GA 467 frame was malformed."""

    code = "id_card.frame"


class FrameChecksumError(FrameError):
    """The XOR checksum of a frame did not match its bytes."""

    code = "id_card.frame.checksum"


class NotAReader(FrameError):
    """Bytes came back but none of them made a GA 467 frame: another device on the port, or a wrong
    baud rate."""

    code = "id_card.not_a_reader"


class FrameLengthError(FrameError):
    """A frame's length field is out of range."""

    code = "id_card.frame.length"


class FrameFormatError(FrameError):
    """A frame is too short for its kind (request needs CMD PARA, response SW1 SW2 SW3)."""

    code = "id_card.frame.format"


class UnexpectedResponse(ProtocolError):
    """The reader answered with a frame that does not fit the command sent."""

    code = "id_card.unexpected_response"


class RecordParseError(ProtocolError):
    """The card's text block could not be parsed (bad date, unknown layout, wrong size)."""

    code = "id_card.record"


class UnsupportedCardType(RecordParseError):
    """The text block carries a card-type letter this driver does not know."""

    code = "id_card.record.card_type"


class SamStatusError(DeviceError):
    """Mixin data for errors reported by the SAM's status byte SW3."""

    code = "id_card.sam"
    sw3: int = -1


class SamNoCard(SamStatusError, NoCard):
    """SW3 0x80: no card in the field (find failed)."""

    code = "id_card.sam.no_card"


class SamSelectFailed(SamStatusError, NoCard):
    """SW3 0x81: card selection failed (usually the card left the field)."""

    code = "id_card.sam.select_failed"


class SamCardError(SamStatusError, CardReadError):
    """The SAM could not read or authenticate the card (0x31–0x33, 0x37, 0x3F, 0x40, 0x41, 0x47, 0x91)."""

    code = "id_card.sam.card_error"


class SamRejected(SamStatusError, ProtocolError):
    """The SAM rejected the command frame (0x10 checksum, 0x11 length, 0x21, 0x23, 0x24)."""

    code = "id_card.sam.rejected"


class SamFault(SamStatusError):
    """The SAM module itself is faulty or not authorised (0x60 self-test, 0x66)."""

    code = "id_card.sam.fault"


class SamUnknownStatus(SamStatusError, ProtocolError):
    """The SAM answered a status byte that GA 467 does not define."""

    code = "id_card.sam.unknown_status"


class IdCardRemoved(CardRemoved):
    """The card left the field while it was being read."""

    code = "id_card.card_removed"


class PhotoDecoderError(DeviceError):
    """The configured WLT photo decoder library is missing, broken or failed on a photo."""

    code = "id_card.photo_decoder"
