"""The queue ticket prints its one-time rating code (issue 15 item 1) — and only when it has one, so
every other ticket prints byte for byte as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from devices.printer import layouts
from devices.printer.document import Qr, Text


def _info(**kw: object) -> layouts.TicketInfo:
    base = layouts.TicketInfo(number="A001", category="社保业务", people_ahead=3, estimated_wait_min=9,
                              issued_at=datetime(2026, 12, 7, 1, 0, tzinfo=UTC), follow_url="https://h/t/x",
                              hall_name="政务服务大厅")
    return replace(base, **kw)  # type: ignore[arg-type]


def test_the_rating_code_is_printed_as_qr_and_text() -> None:
    doc = layouts.ticket(_info(rating_code="123-ABCDEFGH"))
    assert Qr("RATE:123-ABCDEFGH", module=3) in doc.elements
    texts = [e.text for e in doc.elements if isinstance(e, Text)]
    assert any("123-ABCDEFGH" in t and "评价码" in t for t in texts)
    en = [e.text for e in layouts.ticket(_info(rating_code="123-ABCDEFGH"), lang="en").elements if isinstance(e, Text)]
    assert any("Rating code" in t for t in en)


def test_without_a_code_the_ticket_is_unchanged() -> None:
    assert layouts.ticket(_info()) == layouts.ticket(_info(rating_code=""))
    assert not any(isinstance(e, Qr) and e.data.startswith("RATE:") for e in layouts.ticket(_info()).elements)
