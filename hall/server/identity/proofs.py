"""Proof of identity checked before any personal data leaves the server (issue 14.2).

The rules are the domain's (:mod:`hall.server.domain.identity_proof`); this module checks evidence and
signs and reads proof tokens. A token reads ``HIP1.<method>.<expiry hex>.<id tag>.<mac>``: ``id tag`` is
the first 16 characters of the keyed ID hash (nothing personal), ``mac`` the service-code key's HMAC over
the rest plus the caller's token name — a token works only for the terminal it was issued to and only
for that one ID number, until it expires.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from datetime import UTC, datetime, timedelta

from hall.server.auth.cache import Principal
from hall.server.core.context import HallContext
from hall.server.domain import identity_proof as rules
from hall.server.domain.identity import parse_id_number
from hall.server.identity.schemas import ProofIn, ProofOut

PREFIX = "HIP1"
_TOKEN = re.compile(r"HIP1\.(id_card|ss_card|service_code|face)\.([0-9a-f]{1,12})\.([0-9a-f]{16})\.([A-Za-z0-9_-]{22})")


def _tag(hall: HallContext, id_number: str) -> str:
    return hall.keyring.id_hash(id_number)[:16]


def issue_token(hall: HallContext, who: Principal, *, id_number: str, method: str,
                now: datetime | None = None) -> ProofOut:
    """A token proving ``id_number`` by ``method`` for this caller, valid ``proof_read_ttl_s``."""
    now = now or datetime.now(UTC)
    expires = now + timedelta(seconds=hall.options.proof_read_ttl_s)
    body = f"{PREFIX}.{method}.{int(expires.timestamp()):x}.{_tag(hall, id_number)}"
    mac = hall.keyring.sign_code(f"{body}|{who.name}")
    return ProofOut(token=f"{body}.{mac}", method=method, expires_at=expires)


def _check_token(hall: HallContext, who: Principal, token: str, *, method: str, id_number: str,
                 now: datetime, max_age_s: int) -> None:
    found = _TOKEN.fullmatch(token.strip())
    if found is None or found.group(1) != method:
        raise rules.ProofRejected()
    body = token.strip().rpartition(".")[0]
    if not hmac.compare_digest(found.group(4), hall.keyring.sign_code(f"{body}|{who.name}")):
        raise rules.ProofRejected()
    if not hmac.compare_digest(found.group(3), _tag(hall, id_number)):
        raise rules.ProofMismatch()
    expires = datetime.fromtimestamp(int(found.group(2), 16), UTC)
    # An application may reach us later from the terminal's outbox: its token may be older.
    issued = expires - timedelta(seconds=hall.options.proof_read_ttl_s)
    if now > max(expires, issued + timedelta(seconds=max_age_s)):
        raise rules.ProofExpired()


def _b64(text: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise rules.ProofRejected() from None
    if len(raw) != size:
        raise rules.ProofRejected()
    return raw


def _check_evidence(hall: HallContext, proof: ProofIn, *, id_number: str, now: datetime, max_age_s: int) -> None:
    today = now.date()
    if proof.method == "id_card":
        rules.check_id_card(_b64(proof.card_text, rules.CARD_TEXT_LEN), _b64(proof.card_photo, rules.CARD_PHOTO_LEN),
                            id_number=id_number, today=today)
    elif proof.method == "ss_card":
        rules.check_ss_card(proof.ss_card_id, proof.ss_card_number, id_number=id_number, holder_id=id_number)
    elif proof.method == "face" and proof.face is not None:
        f = proof.face
        rules.check_face(hall.options.face_service_key.encode(), signature=f.signature, serial=f.serial,
                         id_number=id_number, result=f.result, score=f.score, issued_at=f.issued_at,
                         now_s=int(now.timestamp()), max_age_s=max_age_s)
    else:  # a 亮码 is proven by the server itself: only as its token
        raise rules.ProofRequired()


def verify(hall: HallContext, who: Principal, proof: ProofIn | None, *, id_number: str,
           now: datetime | None = None, for_submission: bool = False) -> str:
    """The method that proves ``id_number`` for this caller; raises a ProofRejected subclass (403).

    A bare typed number (no ``proof``) is refused with ``identity.proof_required``.
    """
    if proof is None:
        raise rules.ProofRequired()
    now = now or datetime.now(UTC)
    person = parse_id_number(id_number).value
    o = hall.options
    max_age = o.proof_submit_max_age_s if for_submission else o.proof_read_ttl_s
    if proof.token:
        _check_token(hall, who, proof.token, method=proof.method, id_number=person, now=now, max_age_s=max_age)
    else:
        _check_evidence(hall, proof, id_number=person, now=now, max_age_s=max_age)
    return proof.method
