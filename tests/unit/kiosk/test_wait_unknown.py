"""No open window serves the line (docs/dashboard.md, "Nobody stranded"): the server answers no
estimate, and the kiosk shows and prints that the wait is not known — never "about 1 min"."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from devices.printer.document import Text
from kiosk.adapters.terminal import TerminalAdapter
from kiosk.flows.take_number import ticket_document, ticket_view
from offline_cache.terminal import IssuedTicket


class Answering:
    """An outbox facade whose server answers a ticket in a line with no open window."""

    def __init__(self, estimate: int | None) -> None:
        self.estimate = estimate

    def issue_ticket(self, category: str, **_kw: Any) -> IssuedTicket:
        return IssuedTicket(key="k", number="G001", category=category, offline=False,
                            issued_at="2026-11-22T10:00:00+08:00", id=1, waiting_ahead=3,
                            estimated_wait_s=self.estimate, public_url="/t/x")


def _printed(estimate: int | None, lang: str) -> list[str]:
    ticket = TerminalAdapter(Answering(estimate), base_url="https://hall.example.gov.cn").issue_ticket("G")
    doc = ticket_document(ticket, None, lang=lang, hall="示范区政务服务中心",
                          issued=datetime(2026, 11, 22, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    return [e.text for e in doc.elements if isinstance(e, Text)]


def test_an_unknown_wait_is_said_on_screen_and_paper() -> None:
    ticket = TerminalAdapter(Answering(None), base_url="https://hall.example.gov.cn").issue_ticket("G")
    assert ticket.estimated_wait_s is None
    view = ticket_view(ticket, None, printed=True)
    assert view.data["wait_unknown"] is True and view.data["wait_min"] is None and view.data["ahead"] == 3
    zh = _printed(None, "zh_CN")
    assert "前面等待：3 人" in zh and "暂无法估计等候时间：办理窗口尚未开放" in zh
    assert not any("预计等待" in line for line in zh)
    assert "Wait not known yet: no window for this line is open" in _printed(None, "en")


def test_a_known_wait_is_still_printed_in_minutes() -> None:
    assert "预计等待：约 5 分钟" in _printed(300, "zh_CN")
    ticket = TerminalAdapter(Answering(0), base_url="").issue_ticket("G")
    assert ticket_view(ticket, None, printed=True).data["wait_unknown"] is False
