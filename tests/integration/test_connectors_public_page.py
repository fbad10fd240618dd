"""The public ticket page offers SMS only when the hall has a real sender: with ``[connectors.sms]
driver = "none"`` there is no SMS card and following by SMS is refused with a translated error; with a
sender (the SMPP driver, or the demo's stand-in) the card is there."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hall.server.app import create_app
from hall.server.connectors.twins.smpp import SmppTwin
from hall.server.core.options import ServerOptions
from tests.rigs.hall_server import sqlite_template

PHONE = "13800138000"


def _client(tmp_path: Path, sms: dict[str, object]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    template, tokens = sqlite_template()
    shutil.copyfile(template, tmp_path / "hall.db")
    options = ServerOptions(data_dir=tmp_path / "d", demo_mode=True, connectors={"sms": sms})
    with TestClient(create_app(db_url=f"sqlite:///{tmp_path / 'hall.db'}", options=options)) as c:
        yield c, {"Authorization": f"Bearer {tokens['terminal']}"}


@pytest.fixture
def no_sender(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    yield from _client(tmp_path, {"driver": "none"})


def test_no_sms_card_and_no_sms_following_without_a_sender(no_sender: tuple[TestClient, dict[str, str]]) -> None:
    c, kiosk = no_sender
    ticket = c.post("/api/v1/tickets", headers=kiosk, json={"category": "A"}).json()
    page = c.get(ticket["public_url"])
    assert page.status_code == 200 and ticket["number"] in page.text
    assert "短信提醒" not in page.text and 'id="to"' not in page.text
    refused = c.post(ticket["public_url"] + "/notify", json={"channel": "sms", "to": PHONE})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "notify.channel_unavailable" and "叫号屏" in error["message_zh"]
    assert PHONE not in refused.text
    inline = c.post("/api/v1/tickets", headers=kiosk, json={"category": "A", "notify": {"channel": "sms", "to": PHONE}})
    assert inline.status_code == 422 and inline.json()["error"]["code"] == "notify.channel_unavailable"


def test_the_card_is_offered_with_a_real_sender(tmp_path: Path) -> None:
    with SmppTwin(system_id="hall", password="pw") as twin:
        for c, kiosk in _client(tmp_path, {"driver": "smpp", "host": "127.0.0.1", "port": twin.port,
                                           "system_id": "hall", "password": "pw", "source_addr": "10690001"}):
            ticket = c.post("/api/v1/tickets", headers=kiosk, json={"category": "A"}).json()
            assert "短信提醒" in c.get(ticket["public_url"]).text
            follow = c.post(ticket["public_url"] + "/notify", json={"channel": "sms", "to": PHONE})
            assert follow.status_code == 200 and follow.json()["following"] is True
