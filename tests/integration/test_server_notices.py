"""Citizens following a ticket get "3 ahead of you" once and "your turn" at each call, through the
connector; two processes never send the same notice twice; logs carry no phone numbers."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from hall.client import HallClient
from hall.server.build import build_services
from hall.server.connectors.notify import LoggingNotifier
from hall.server.connectors.registry import ConnectorContext, build_all
from hall.server.core.context import HallContext
from hall.server.core.options import ServerOptions
from hall.server.core.security import Keyring, load_master_key
from hall.server.domain.notifications import Message
from hall.server.tickets import service as tsvc
from hall.server.tickets.schemas import TicketIn
from hall.server.windows import service as wsvc
from tests.rigs.hall_server import HallServer, sqlite_template
from tests.rigs.waiting import budget, wait_for_text

PHONE = "13800138000"


class Outbox:
    """A connector that keeps what it was asked to send (the test's gateway)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, Message]] = []

    def send(self, recipient: str, message: Message) -> None:
        self.messages.append((recipient, message))


def _hall(db_url: str, data_dir: Path, outbox: Outbox) -> HallContext:
    """A server's services whose SMS and WeChat connectors are ``outbox``."""
    context = ConnectorContext(keyring=Keyring(load_master_key(data_dir)), data_dir=data_dir)
    connectors = replace(build_all({}, context), sms=outbox, wechat=outbox)
    return build_services(db_url=db_url, options=ServerOptions(data_dir=data_dir), connectors=connectors)


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def hall(tmp_path: Path, outbox: Outbox) -> Iterator[HallContext]:
    shutil.copyfile(sqlite_template()[0], tmp_path / "hall.db")
    ctx = _hall(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path / "d", outbox)
    yield ctx
    ctx.db.dispose()


def _issue(hall: HallContext, **extra: object) -> dict[str, object]:
    with hall.unit() as tx:
        req = TicketIn.model_validate({"category": "A", **extra})
        return tsvc.issue_request(hall, tx, req)[1].model_dump(mode="json")


def _call(hall: HallContext, window: int = 1) -> None:
    with hall.unit() as tx:
        wsvc.call_next(hall, tx, window)


def test_almost_once_then_your_turn_and_recall(hall: HallContext, outbox: Outbox) -> None:
    for _ in range(5):
        _issue(hall)
    mine = _issue(hall, notify={"channel": "sms", "to": PHONE})
    assert mine["waiting_ahead"] == 5
    _call(hall)
    assert hall.notices.process(hall) == 0  # 4 ahead: nothing yet
    _call(hall)
    assert hall.notices.process(hall) == 1
    recipient, almost = outbox.messages[-1]
    assert recipient == PHONE and almost.kind.value == "almost" and "前面还有 3 人" in almost.text_zh
    _call(hall)
    assert hall.notices.process(hall) == 0  # 2 ahead: "almost" is sent once
    for _ in range(3):
        _call(hall)
    assert hall.notices.process(hall) == 1
    turn = outbox.messages[-1][1]
    assert turn.kind.value == "your_turn" and turn.number == mine["number"] and "1 号窗口" in turn.text_zh
    with hall.unit() as tx:
        wsvc.recall(hall, tx, 1)
    assert hall.notices.process(hall) == 1 and outbox.messages[-1][1].key == "your_turn:1"
    assert PHONE not in almost.text_zh + turn.text_zh


def test_two_processes_send_each_notice_once(hall: HallContext, outbox: Outbox, tmp_path: Path) -> None:
    first, second = outbox, Outbox()
    other = _hall(hall.db.url, tmp_path / "d", second)
    try:
        for _ in range(4):
            _issue(hall)
        _issue(hall, notify={"channel": "wechat", "to": "oXy_openid_123"})
        _call(hall)
        other.notices.changed("A")  # the other replica heard of the change too
        sent = hall.notices.process(hall) + other.notices.process(other)
        assert sent == 1 and len(first.messages) + len(second.messages) == 1
    finally:
        other.db.dispose()


def test_logging_connector_names_the_ticket_not_the_recipient(caplog: pytest.LogCaptureFixture) -> None:
    from hall.server.domain.notifications import TicketView, decide_notices

    (message,) = decide_notices(TicketView("A007", "waiting", 5), TicketView("A007", "waiting", 3))
    with caplog.at_level(logging.INFO, logger="hall.server.connectors.notify"):
        LoggingNotifier().send(PHONE, message)
    assert "A007" in caplog.text and "almost" in caplog.text and PHONE not in caplog.text


def test_following_through_the_api_and_the_public_page(hall_server: HallServer) -> None:
    api = f"{hall_server.url}/api/v1"
    kiosk = {"Authorization": f"Bearer {hall_server.tokens['terminal']}"}
    clerk = {"Authorization": f"Bearer {hall_server.tokens['clerk']}"}
    tickets = [httpx.post(f"{api}/tickets", json={"category": "C"}, headers=kiosk).json() for _ in range(5)]
    client = HallClient(hall_server.url, hall_server.tokens["terminal"], read_timeout=budget(5))
    assert client.follow_ticket(tickets[4]["id"], channel="sms", to=PHONE).following is True
    why = client.explain(tickets[4]["id"])
    assert why.lane == "normal" and why.next_numbers == ["C001", "C002", "C003", "C004"]
    bad = httpx.post(f"{api}/tickets/{tickets[3]['id']}/notify", json={"channel": "sms", "to": "12345"},
                     headers=kiosk)
    assert bad.status_code == 422 and PHONE not in bad.text
    page = httpx.post(hall_server.url + tickets[3]["public_url"] + "/notify",
                      json={"channel": "sms", "to": "13900139000"})
    assert page.status_code == 200
    httpx.post(f"{api}/windows/4/call-next", headers=clerk)
    wait_for_text(hall_server.log_path, "notice almost for ticket C005")
    state = httpx.get(hall_server.url + tickets[0]["public_url"] + ".json").json()
    assert state["status"] == "called" and state["call_text"] == "请 C001 号 到 4 号窗口 办理"
    waiting = httpx.get(hall_server.url + tickets[4]["public_url"] + ".json").json()
    assert waiting["waiting_ahead"] == 3 and "前面还有 3 人" in waiting["why_zh"]
    assert PHONE not in hall_server.log() and "13900139000" not in hall_server.log()
