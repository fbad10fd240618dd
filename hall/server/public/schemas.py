"""The public ticket page's JSON (``/t/{token}.json``): no login, no personal data."""

from __future__ import annotations

from hall.server.core.schemas import Out


class PublicTicketOut(Out):
    number: str
    category: str
    status: str
    window: int | None = None
    waiting_ahead: int = 0
    estimated_wait_s: int | None = None  # None: no open window serves it, the wait is unknown
    status_zh: str
    # "请 A023 号 到 5 号窗口 办理" while the ticket is called.
    call_text: str | None = None
    call_count: int = 0
    why_zh: str = ""
    why_en: str = ""


class PublicFollowOut(Out):
    number: str
    channel: str
    following: bool
