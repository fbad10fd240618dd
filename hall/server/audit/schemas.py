"""The audit trail over the API (admin): who did which write, who opened which case."""

from __future__ import annotations

from hall.server.core.schemas import IsoTime, Out


class AuditEntryOut(Out):
    """``actor`` is the token's name and ``role`` its role (never the token); targets carry no personal data."""

    id: int
    at: IsoTime
    actor: str
    role: str
    action: str
    target: str = ""
    detail: str = ""


class AuditOut(Out):
    entries: list[AuditEntryOut]
