"""Service codes (亮码 / 一码通办): short-lived, one-time, signed codes a terminal resolves to an identity.

The hall stands in for the online platform that shows a citizen their code. A code reads
``HSC1.<id>.<expiry>.<mac>``: ``id`` is 128 random bits (base64url) naming a server-side row that holds
the identity AES-GCM encrypted, ``expiry`` the Unix time in hex, ``mac`` the first 128 bits of
HMAC-SHA256 over ``HSC1.<id>.<expiry>`` under a key derived (HKDF) from the server's master key. The
QR therefore carries nothing personal; a changed character fails the MAC before any database read;
the row makes it one-time (the first terminal to resolve it claims it with a conditional UPDATE, so
two replicas cannot both succeed). Refusals: ``service_code.invalid`` (not ours, altered, unknown),
``service_code.expired``, ``service_code.used``. A lost answer may be fetched again by the same
token within ``REPEAT_S`` — the terminal's retry, not a second citizen.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update

from hall.server.audit import service as audit
from hall.server.auth.cache import Principal
from hall.server.core.context import HallContext, Tx
from hall.server.domain.identity import parse_id_number
from hall.server.identity.errors import ServiceCodeExpired, ServiceCodeInvalid, ServiceCodeUsed
from hall.server.identity.models import ServiceCode
from hall.server.identity.schemas import IdentityOut, ServiceCodeOut

PREFIX = "HSC1"
TTL_S = 300
REPEAT_S = 30
_FORM = re.compile(r"HSC1\.([A-Za-z0-9_-]{22})\.([0-9a-f]{1,12})\.([A-Za-z0-9_-]{22})")
def issue(hall: HallContext, tx: Tx, who: Principal, *, id_number: str, name: str,
          now: datetime | None = None, ttl_s: int = TTL_S) -> ServiceCodeOut:
    """A new code for this identity. Raises the domain's InvalidIdNumber for a bad ID number."""
    now = now or datetime.now(UTC)
    person = parse_id_number(id_number)
    sid = secrets.token_urlsafe(16)
    expires = now + timedelta(seconds=ttl_s)
    body = f"{PREFIX}.{sid}.{int(expires.timestamp()):x}"
    s = tx.session
    # Codes live minutes; rows a day past their expiry are of no use to anyone.
    s.execute(delete(ServiceCode).where(ServiceCode.expires_at < now - timedelta(days=1)))
    s.add(ServiceCode(id=sid, personal_enc=hall.keyring.encrypt({"id_number": person.value, "name": name}),
                      expires_at=expires, issued_by=who.name, created_at=now))
    audit.record(s, who, "service_code.issue", f"code {sid[:6]}")
    return ServiceCodeOut(code=f"{body}.{hall.keyring.sign_code(body)}", expires_at=expires, ttl_s=ttl_s)


def _parse(hall: HallContext, text: str) -> tuple[str, datetime]:
    found = _FORM.fullmatch(text.strip())
    if found is None:
        raise ServiceCodeInvalid()
    sid, exp_hex, mac = found.groups()
    if not hmac.compare_digest(mac, hall.keyring.sign_code(f"{PREFIX}.{sid}.{exp_hex}")):
        raise ServiceCodeInvalid()
    try:
        expires = datetime.fromtimestamp(int(exp_hex, 16), UTC)
    except (OverflowError, ValueError, OSError):
        raise ServiceCodeInvalid() from None
    return sid, expires


def resolve(hall: HallContext, tx: Tx, who: Principal, text: str, *, now: datetime | None = None) -> IdentityOut:
    """The identity behind a code, claimed once. Raises ServiceCodeInvalid, ServiceCodeExpired, ServiceCodeUsed."""
    now = now or datetime.now(UTC)
    sid, expires = _parse(hall, text)
    if now >= expires:
        raise ServiceCodeExpired()
    s = tx.session
    claimed = s.execute(update(ServiceCode).where(
        ServiceCode.id == sid, ServiceCode.used_at.is_(None), ServiceCode.expires_at > now).values(
        used_at=now, used_by=who.name)).rowcount  # type: ignore[attr-defined]
    row = s.get(ServiceCode, sid)
    if row is None:
        raise ServiceCodeInvalid()
    if not claimed:
        if row.expires_at <= now:
            raise ServiceCodeExpired()
        repeat = row.used_by == who.name and row.used_at is not None and now - row.used_at <= timedelta(
            seconds=REPEAT_S)
        if not repeat:
            raise ServiceCodeUsed()
    person = hall.keyring.decrypt(row.personal_enc)
    masked = parse_id_number(person["id_number"]).masked
    if claimed:
        audit.record(s, who, "service_code.resolve", f"code {sid[:6]}")
    return IdentityOut(id_number=person["id_number"], name=person.get("name", ""), id_masked=masked,
                       expires_at=expires)
