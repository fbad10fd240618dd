"""hall.public_base_url (issue 14.10): every QR a citizen takes home — the ticket on screen and on
paper — points at the hall's public address, never at the server address the terminals use."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from config import load_settings
from config.loader import ConfigError
from devices.printer.document import Qr
from kiosk.adapters.terminal import TerminalAdapter
from kiosk.flows.take_number import ticket_document, ticket_view
from offline_cache.terminal import IssuedTicket

INTERNAL = "http://10.0.0.5:8700"
PUBLIC = "https://hall.example.gov.cn"


class Answering:
    """An outbox facade whose server answers with the ticket as the real server does (a path)."""

    def __init__(self, public_url: str) -> None:
        self.public_url = public_url

    def issue_ticket(self, category: str, **_kw: Any) -> IssuedTicket:
        return IssuedTicket(key="k", number="A001", category=category, offline=False,
                            issued_at="2026-11-22T10:00:00+08:00", id=1, waiting_ahead=2, estimated_wait_s=300,
                            public_url=self.public_url)


def test_the_setting_is_checked_and_defaults_to_the_server_address() -> None:
    assert load_settings(None, [f"hall.server_url={INTERNAL}"]).hall.public_url == INTERNAL
    settings = load_settings(None, [f"hall.server_url={INTERNAL}", f"hall.public_base_url={PUBLIC}/"])
    assert settings.hall.public_url == PUBLIC
    with pytest.raises(ConfigError, match="public_base_url"):
        load_settings(None, ["hall.public_base_url=hall.example.gov.cn"])


@pytest.mark.parametrize("answer", ["/t/Yq3VhX0b2m", f"{INTERNAL}/t/Yq3VhX0b2m"])
def test_the_ticket_qr_on_screen_and_paper_uses_the_public_address(answer: str) -> None:
    settings = load_settings(None, [f"hall.server_url={INTERNAL}", f"hall.public_base_url={PUBLIC}"])
    adapter = TerminalAdapter(Answering(answer), base_url=settings.hall.public_url)
    ticket = adapter.issue_ticket("A")
    assert ticket.follow_url == f"{PUBLIC}/t/Yq3VhX0b2m"
    assert ticket_view(ticket, None, printed=True).data["follow_url"] == f"{PUBLIC}/t/Yq3VhX0b2m"
    doc = ticket_document(ticket, None, lang="zh_CN", hall="示范区政务服务中心",
                          issued=datetime(2026, 11, 22, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert [e.data for e in doc.elements if isinstance(e, Qr)] == [f"{PUBLIC}/t/Yq3VhX0b2m"]
