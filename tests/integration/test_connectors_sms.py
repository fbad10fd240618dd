"""SMS over SMPP 3.4 against a real SMPP protocol peer (the gateway twin speaks PDUs over TCP; no mock
of the client library): a followed ticket's call reaches the gateway in UCS-2 with number and window,
long texts are split (UDH) and reassembled, receipts are recorded, enquire_link keeps the link, an
outage loses no notice (durable queue, reconnect), and the HTTP webhook driver goes the same way."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from hall.server.build import build_services
from hall.server.connectors.registry import Choice, ConnectorContext, build, build_all
from hall.server.connectors.sms.queue import GatewayError, QueuedSms
from hall.server.connectors.sms.smpp import SmppTransport
from hall.server.connectors.sms.webhook import WebhookTransport
from hall.server.connectors.twins.http import HttpTwin
from hall.server.connectors.twins.smpp import SmppTwin
from hall.server.core.context import HallContext
from hall.server.core.options import ServerOptions
from hall.server.core.security import Keyring, load_master_key
from hall.server.tickets import service as tsvc
from hall.server.tickets.schemas import TicketIn
from hall.server.windows import service as wsvc
from tests.rigs.hall_server import HallServer, prepare_hall, sqlite_template, start_prepared
from tests.rigs.waiting import wait_until

PHONE = "13800138000"
SECRET = "s3cret"  # the twin's bind password


@pytest.fixture
def twin() -> Iterator[SmppTwin]:
    with SmppTwin(system_id="hall", password=SECRET) as gateway:
        yield gateway


def _smpp_options(twin: SmppTwin, **extra: object) -> dict[str, object]:
    return {"host": "127.0.0.1", "port": twin.port, "system_id": "hall", "password": SECRET,
            "source_addr": "10690001", "reconnect_min_s": 0.05, "reconnect_max_s": 0.2, "timeout_s": 3, **extra}


def _hall(tmp_path: Path, sms: QueuedSms) -> HallContext:
    shutil.copyfile(sqlite_template()[0], tmp_path / "hall.db")
    data = tmp_path / "d"
    context = ConnectorContext(keyring=Keyring(load_master_key(data)), data_dir=data)
    connectors = replace(build_all({}, context), sms=sms)
    return build_services(db_url=f"sqlite:///{tmp_path / 'hall.db'}", options=ServerOptions(data_dir=data),
                          connectors=connectors)


def _follow_and_call(hall: HallContext) -> str:
    with hall.unit() as tx:
        out = tsvc.issue_request(hall, tx, TicketIn.model_validate(
            {"category": "A", "notify": {"channel": "sms", "to": PHONE}}))[1]
    with hall.unit() as tx:
        wsvc.call_next(hall, tx, 1)
    return str(out.number)


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


def test_a_followed_ticket_called_reaches_the_smpp_gateway_in_ucs2(twin: SmppTwin, tmp_path: Path) -> None:
    settings = ['connectors.sms.driver="smpp"', *(f"connectors.sms.{k}={v!r}".replace("'", '"')
                                                  for k, v in _smpp_options(twin).items())]
    server: HallServer = start_prepared(f"sqlite:///{tmp_path / 'hall.db'}", tmp_path, settings=tuple(settings))
    try:
        api = f"{server.url}/api/v1"
        kiosk = {"Authorization": f"Bearer {server.tokens['terminal']}"}
        ticket = httpx.post(f"{api}/tickets", json={"category": "A", "notify": {"channel": "sms", "to": PHONE}},
                            headers=kiosk).json()
        httpx.post(f"{api}/windows/1/call-next", headers={"Authorization": f"Bearer {server.tokens['clerk']}"})
        wait_until(lambda: twin.messages(), timeout_s=15, what="a submit_sm at the SMPP twin")
        (dest, text), = twin.messages()
        assert dest == PHONE and ticket["number"] in text and "1 号窗口" in text
        part = twin.submits[0].sm
        assert part.data_coding == 8 and ticket["number"].encode("utf-16-be") in part.short_message
        assert part.registered_delivery & 1 and part.source_addr == "10690001"
        wait_until(lambda: _rows(tmp_path / "hall.db", "select state from sms_outbox") == [("delivered",)],
                   timeout_s=10, what="the delivery receipt recorded")
        assert _rows(tmp_path / "hall.db", "select stat from sms_receipts") == [("DELIVRD",)]
        assert _rows(tmp_path / "hall.db", "select recipient_enc from sms_outbox") == [("",)]
        assert PHONE not in server.log() and len(twin.binds) == 1
    finally:
        server.stop()


def test_a_long_chinese_text_is_split_with_udh_and_reassembled(twin: SmppTwin) -> None:
    transport = SmppTransport(**_smpp_options(twin))  # type: ignore[arg-type]
    receipts: list[tuple[str, str]] = []
    transport.start(lambda mid, stat: receipts.append((mid, stat)))
    try:
        wait_until(transport.bound.is_set, timeout_s=5, what="bound")
        text = "请携带身份证原件到三号窗口办理业务，" * 8  # 144 characters: three UCS-2 parts
        ids = transport.deliver(PHONE, text)
        assert len(ids) == 3 and len(twin.submits) == 3
        assert all(s.sm.esm_class & 0x40 and len(s.sm.short_message) <= 140 for s in twin.submits)
        assert twin.messages() == [(PHONE, text)]
        wait_until(lambda: len(receipts) == 3, timeout_s=5, what="three receipts")
        assert sorted(mid for mid, _ in receipts) == sorted(ids) and {s for _, s in receipts} == {"DELIVRD"}
    finally:
        transport.close()


def test_enquire_link_keeps_the_session_and_a_bad_password_is_refused(twin: SmppTwin) -> None:
    transport = SmppTransport(**_smpp_options(twin, enquire_link_s=0.1))  # type: ignore[arg-type]
    transport.start(lambda *_: None)
    try:
        wait_until(lambda: twin.enquire_links >= 2, timeout_s=5, what="two enquire_link")
        assert len(twin.binds) == 1
    finally:
        transport.close()
    wrong = SmppTransport(**_smpp_options(twin, password="nope"))  # type: ignore[arg-type]
    wrong.start(lambda *_: None)
    try:
        wait_until(lambda: twin.refused_binds >= 1, timeout_s=5, what="a refused bind")
        with pytest.raises(GatewayError, match=r"smpp\.down"):
            wrong.deliver(PHONE, "x")
    finally:
        wrong.close()


def test_a_gateway_outage_loses_no_notice(twin: SmppTwin, tmp_path: Path) -> None:
    sms = build("sms", Choice("smpp", _smpp_options(twin)), ConnectorContext(
        keyring=Keyring(b"k" * 32), data_dir=tmp_path))
    hall = _hall(tmp_path, sms)
    db = tmp_path / "hall.db"
    try:
        sms.attach(hall)
        wait_until(sms.transport.bound.is_set, timeout_s=5, what="bound")
        twin.go_down()
        wait_until(lambda: not sms.transport.bound.is_set(), timeout_s=5, what="the link seen down")
        number = _follow_and_call(hall)
        assert hall.notices.process(hall) == 1  # queued in the claim's transaction
        assert sms.drain(hall) == 0 and twin.submits == []
        assert _rows(db, "select state, attempts, last_error from sms_outbox") == [("pending", 1, "smpp.down")]
        twin.come_up()
        wait_until(sms.transport.bound.is_set, timeout_s=5, what="reconnected")
        assert sms.drain(hall, now=datetime.now(UTC) + timedelta(minutes=5)) == 1
        (dest, text), = twin.messages()
        assert dest == PHONE and number in text
        wait_until(lambda: _rows(db, "select state from sms_outbox") == [("delivered",)], timeout_s=5,
                   what="delivered after the outage")
        assert sms.transport.binds == 2
    finally:
        sms.close()
        hall.db.dispose()


def test_the_http_webhook_driver_retries_through_the_same_queue(tmp_path: Path) -> None:
    with HttpTwin(token="t0ken") as gateway:
        sms = build("sms", Choice("http", {"url": f"{gateway.url}/sms", "token": "t0ken", "sign": "某某政务"}),
                    ConnectorContext(keyring=Keyring(b"k" * 32), data_dir=tmp_path))
        assert isinstance(sms.transport, WebhookTransport)
        hall = _hall(tmp_path, sms)
        try:
            sms.attach(hall)
            gateway.down = True
            number = _follow_and_call(hall)
            hall.notices.process(hall)
            assert sms.drain(hall) == 0
            gateway.down = False
            assert sms.drain(hall, now=datetime.now(UTC) + timedelta(minutes=5)) == 1
            (sent,) = gateway.sms
            assert sent["to"] == PHONE and number in sent["text"] and sent["sign"] == "某某政务"
            assert _rows(tmp_path / "hall.db", "select state, attempts from sms_outbox") == [("sent", 2)]
        finally:
            sms.close()
            hall.db.dispose()


def test_the_demo_twin_driver_is_the_smpp_driver_on_an_in_process_gateway(tmp_path: Path) -> None:
    sms = build("sms", Choice("twin"), ConnectorContext(keyring=Keyring(b"k" * 32), data_dir=tmp_path,
                                                        demo_mode=True))
    assert isinstance(sms.transport, SmppTransport)
    sms.transport.start(lambda *_: None)
    try:
        wait_until(sms.transport.bound.is_set, timeout_s=5, what="bound to the in-process twin")
        assert len(sms.transport.deliver(PHONE, "请 A001 号到 1 号窗口办理")) == 1
        # The gateway answers submit_sm before its own bookkeeping: wait for what it recorded.
        wait_until(lambda: sms.twin.messages() == [(PHONE, "请 A001 号到 1 号窗口办理")], timeout_s=5,
                   what="the twin gateway's record of the message")
    finally:
        sms.close()
        sms.twin.go_down()


@pytest.mark.postgres
def test_two_replicas_on_postgresql_send_each_sms_once(twin: SmppTwin, fresh_postgres_url: str,
                                                       tmp_path: Path) -> None:
    prepare_hall(fresh_postgres_url)
    context = ConnectorContext(keyring=Keyring(load_master_key(tmp_path / "d")), data_dir=tmp_path / "d")
    senders = [build("sms", Choice("smpp", _smpp_options(twin)), context) for _ in range(2)]
    halls = [build_services(db_url=fresh_postgres_url, options=ServerOptions(data_dir=tmp_path / "d"),
                            connectors=replace(build_all({}, context), sms=sms)) for sms in senders]
    try:
        for hall, sms in zip(halls, senders, strict=True):
            sms.attach(hall)
            wait_until(sms.transport.bound.is_set, timeout_s=5, what="bound")
        number = _follow_and_call(halls[0])
        halls[1].notices.changed("A")
        assert halls[0].notices.process(halls[0]) + halls[1].notices.process(halls[1]) == 1
        with ThreadPoolExecutor(2) as pool:
            taken = sum(pool.map(lambda pair: pair[1].drain(pair[0]), zip(halls, senders, strict=True)))
        assert taken == 1 and [text for _, text in twin.messages()] == [f"请 {number} 号到 1 号窗口办理"]
    finally:
        for hall, sms in zip(halls, senders, strict=True):
            sms.close()
            hall.db.dispose()


def test_a_throttled_submit_is_retried_not_lost(twin: SmppTwin, tmp_path: Path) -> None:
    sms = build("sms", Choice("smpp", _smpp_options(twin)), ConnectorContext(
        keyring=Keyring(b"k" * 32), data_dir=tmp_path))
    hall = _hall(tmp_path, sms)
    try:
        sms.attach(hall)
        wait_until(sms.transport.bound.is_set, timeout_s=5, what="bound")
        twin.submit_status = 0x58  # ESME_RTHROTTLED
        _follow_and_call(hall)
        hall.notices.process(hall)
        assert sms.drain(hall) == 0
        assert _rows(tmp_path / "hall.db", "select state, last_error from sms_outbox") == [
            ("pending", "smpp.status_0x58")]
        twin.submit_status = 0
        assert sms.drain(hall, now=datetime.now(UTC) + timedelta(minutes=5)) == 1
        assert len(twin.messages()) == 1 and sms.transport.binds == 1  # the session stayed up
    finally:
        sms.close()
        hall.db.dispose()


def test_the_queue_task_ends_when_cancelled_as_it_is_woken(twin: SmppTwin, tmp_path: Path) -> None:
    """A shutdown's cancel that arrives with a wake-up (a message just queued) must still end the task: with
    asyncio.wait_for on Python 3.11 the cancel was lost and the server's shutdown waited for ever."""
    sms = QueuedSms(SmppTransport(**_smpp_options(twin)), poll_s=30)  # type: ignore[arg-type]
    hall = _hall(tmp_path, sms)

    async def cancel_as_woken() -> None:
        task = asyncio.create_task(sms.run(hall))
        for _ in range(20):
            await asyncio.sleep(0.05)  # attached and waiting for its next wake-up
            sms.wake()
            await asyncio.sleep(0)  # the wake-up is delivered ...
            task.cancel()  # ... and the cancel lands in the same turn of the loop
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
            assert task.cancelled() or task.done()
            task = asyncio.create_task(sms.run(hall))
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(cancel_as_woken())
