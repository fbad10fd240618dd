"""Proof of identity before personal data (issue 14.2): what each way of proving who you are must show.

A typed ID number proves nothing: anyone can type anyone's number. It may take a number or check in,
and nothing else. Cases, e-licences, prefilled forms and applications in a person's name need one of
:class:`ProofMethod`:

- ``id_card``: the card's own GA 467 answer — the 256-byte text block (UCS-2LE: name, sex, nation, birth,
  address, ID number, issuer, validity) and the 1024-byte WLT photo. Someone who only knows a number has
  neither; the ID inside the block must be the one claimed and the card still valid.
- ``ss_card``: the social-security card's EF05 card identification code (16 BCD bytes, issuing
  region first) and card number (9 characters), with the holder's ID number from EF06.
- ``service_code``: a 亮码 the hall server resolved itself (it then signs a proof token).
- ``face``: a face match decision signed by the provincial verification service (its key is configured
  on the hall server; the hall cannot check a local verifier's word, so only signed decisions count).

Pure Python; the server's routes check these, the kiosk's identify step (kiosk/flows/identify.py) asks
for them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import DomainError

CARD_TEXT_LEN = 256
CARD_PHOTO_LEN = 1024
# Byte offsets in the GA 467 text block (lengths in bytes: name 30, sex 2, nation 4, birth 16,
# address 70, ID 36, issuer 30, valid-from 16, valid-to 16, reserved 36).
_ID_AT, _ID_LEN = 122, 36
_VALID_TO_AT, _VALID_LEN = 204, 16
_SS_CARD_ID = re.compile(r"[0-9A-F]{16,32}")
_SS_CARD_NUMBER = re.compile(r"[A-Z0-9]{9}")


class ProofMethod(StrEnum):
    ID_CARD = "id_card"
    SS_CARD = "ss_card"
    SERVICE_CODE = "service_code"
    FACE = "face"


class ProofRejected(DomainError):
    """Base of the refusals below: the data asked for is personal and the proof does not hold."""

    code = "identity.proof_invalid"
    kind = "forbidden"
    template_zh = "身份核验未通过，请刷身份证、社保卡、亮码或进行人脸核验"
    template_en = "Identity not proven; use your ID card, social-security card, service code or a face check"


class ProofRequired(ProofRejected):
    code = "identity.proof_required"
    template_zh = "查询或办理本人事项需要先核验身份：请刷身份证、社保卡、亮码或进行人脸核验"
    template_en = ("Your own cases and applications need proof of identity: "
                   "your ID card, social-security card, service code or a face check")


class ProofMismatch(ProofRejected):
    code = "identity.proof_mismatch"
    template_zh = "核验的身份与所填身份证号不一致"
    template_en = "The proven identity does not match the ID number given"


class ProofExpired(ProofRejected):
    code = "identity.proof_expired"
    template_zh = "身份核验已过期，请重新刷证或扫码"
    template_en = "The identity check has expired; present your card or code again"


class CardExpired(ProofRejected):
    code = "identity.card_expired"
    template_zh = "身份证已过有效期，请使用其他方式核验身份"
    template_en = "This ID card has expired; please prove your identity another way"


class FaceUnverifiable(ProofRejected):
    code = "identity.face_unverifiable"
    template_zh = "本大厅未配置人脸核验服务，请刷身份证、社保卡或亮码"
    template_en = "This hall has no face verification service; use your ID card, social-security card or code"


@dataclass(frozen=True, slots=True)
class CardText:
    """What the proof check reads from a GA 467 text block (nothing else of it is kept)."""

    id_number: str
    valid_to: date | None  # None: 长期 (no end)


def read_card_text(block: bytes) -> CardText:
    """The ID number and end of validity in a 256-byte GA 467 text block. Raises ProofRejected."""
    if len(block) != CARD_TEXT_LEN:
        raise ProofRejected()
    try:
        id_number = block[_ID_AT:_ID_AT + _ID_LEN].decode("utf-16-le").strip()
        valid_to = block[_VALID_TO_AT:_VALID_TO_AT + _VALID_LEN].decode("utf-16-le").strip()
    except UnicodeDecodeError:
        raise ProofRejected() from None
    if valid_to == "长期":
        return CardText(id_number, None)
    if len(valid_to) != 8 or not valid_to.isdigit():
        raise ProofRejected()
    try:
        return CardText(id_number, date(int(valid_to[:4]), int(valid_to[4:6]), int(valid_to[6:])))
    except ValueError:
        raise ProofRejected() from None


def check_id_card(block: bytes, photo: bytes, *, id_number: str, today: date) -> None:
    """The card evidence names ``id_number``, the card is in date, and a photo came with it."""
    text = read_card_text(block)
    if len(photo) != CARD_PHOTO_LEN or len(set(photo)) < 16:
        raise ProofRejected()  # no photo, or padding: not what a card's SAM answers
    if not hmac.compare_digest(text.id_number, id_number):
        raise ProofMismatch()
    if text.valid_to is not None and text.valid_to < today:
        raise CardExpired()


def check_ss_card(card_id: str, card_number: str, *, id_number: str, holder_id: str) -> None:
    """The social-security card's EF05 fields have their form, and EF06 names ``id_number``."""
    if not _SS_CARD_ID.fullmatch(card_id.upper()) or not _SS_CARD_NUMBER.fullmatch(card_number.upper()):
        raise ProofRejected()
    if not hmac.compare_digest(holder_id, id_number):
        raise ProofMismatch()


def face_decision_text(*, serial: str, id_number: str, result: str, score: float, issued_at: int) -> str:
    """The text a provincial face service signs (HMAC-SHA256, hex): ties the decision to one ID number."""
    return f"{serial}|{id_number}|{result}|{score:.4f}|{issued_at}"


def sign_face_decision(key: bytes, *, serial: str, id_number: str, result: str, score: float,
                       issued_at: int) -> str:
    """HMAC-SHA256 hex of :func:`face_decision_text` (the service's side; the twin signs with it)."""
    text = face_decision_text(serial=serial, id_number=id_number, result=result, score=score, issued_at=issued_at)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def check_face(key: bytes, *, signature: str, serial: str, id_number: str, result: str, score: float,
               issued_at: int, now_s: int, max_age_s: int) -> None:
    """A signed ``match`` for ``id_number``, no older than ``max_age_s``. Raises ProofRejected."""
    if not key:
        raise FaceUnverifiable()
    want = sign_face_decision(key, serial=serial, id_number=id_number, result=result, score=score,
                              issued_at=issued_at)
    if not hmac.compare_digest(want, signature.lower()):
        raise ProofRejected()
    if result != "match":
        raise ProofRejected()
    if not -60 <= now_s - issued_at <= max_age_s:
        raise ProofExpired()
