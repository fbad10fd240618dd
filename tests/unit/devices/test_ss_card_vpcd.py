"""The vpcd client's framing, seen from the reader side of the socket (as vpcd inside pcscd sees it)."""

from __future__ import annotations

import socket
import struct

import pytest

from devices.errors import DeviceOffline
from devices.ss_card.protocol import SsCardRecord
from devices.twins.ss_card.card_model import ATR_T1, Fault, VirtualSsCard
from devices.twins.ss_card.vpcd import VpcdClient


def _frame(payload: bytes) -> bytes:
    return struct.pack(">H", len(payload)) + payload


def _recv_frame(conn: socket.socket) -> bytes:
    head = conn.recv(2, socket.MSG_WAITALL)
    (n,) = struct.unpack(">H", head)
    return conn.recv(n, socket.MSG_WAITALL) if n else b""


@pytest.fixture
def vpcd_side():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(5)
    yield server
    server.close()


def test_control_bytes_atr_and_apdu_round_trip(vpcd_side) -> None:
    card = VirtualSsCard(answer_style="t1")
    client = VpcdClient(card, port=vpcd_side.getsockname()[1])
    client.insert()
    conn, _ = vpcd_side.accept()
    conn.settimeout(5)
    try:
        conn.sendall(_frame(b"\x04"))  # send your ATR
        assert _recv_frame(conn) == ATR_T1
        conn.sendall(_frame(b"\x01"))  # power on: no answer expected, next frame is the APDU's
        conn.sendall(_frame(bytes.fromhex("00A4000002 3F00".replace(" ", ""))))
        assert _recv_frame(conn) == b"\x90\x00"
        assert client.apdus_seen == 1
    finally:
        client.remove()
        conn.close()
    assert not client.inserted


def test_pulled_card_closes_the_socket(vpcd_side) -> None:
    card = VirtualSsCard(answer_style="t1", fault=Fault.PULL_MID_READ)
    client = VpcdClient(card, port=vpcd_side.getsockname()[1])
    client.insert()
    conn, _ = vpcd_side.accept()
    conn.settimeout(5)
    aid = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
    for apdu in (bytes([0, 0xA4, 4, 0, len(aid)]) + aid, bytes.fromhex("00A4020002EF06")):
        conn.sendall(_frame(apdu))
        assert _recv_frame(conn)[-2:] == b"\x90\x00"
    conn.sendall(_frame(bytes.fromhex("00B2090000")))
    assert conn.recv(2) == b""  # closed without an answer: the card left mid-read
    conn.close()


def test_nothing_listening_is_offline() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DeviceOffline):
        VpcdClient(VirtualSsCard(), port=port).insert(timeout_s=0.2)


def test_record_masks_personal_fields() -> None:
    record = SsCardRecord(card_number="A12345678", card_version="2.00", region_code="110100",
                          card_id="110100D156000005A1B2C3D4E5F60718", holder_data="read", atr=b"",
                          name="欧阳娜娜", id_number="110101199003071234")
    assert "欧阳" not in repr(record) and "199003071234" not in repr(record)
    out = record.to_json()
    assert out["name"] == "欧***" and out["id_number"] == "110101********1234" and out["sex"] is None

