"""Every emulator fault against the real driver over a socat pty pair, plus the pyserial URL kinds
(spy://, socket://, loop://), bad options, and a port that vanishes and comes back."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from devices.errors import CardRemoved, DeviceConfigError, DeviceOffline, DeviceTimeout, ProtocolError
from devices.id_card.errors import FrameChecksumError, FrameError, IdCardRemoved, SamFault
from devices.id_card.frames import Frame, FrameDecoder, encode_request
from devices.id_card.ga467_driver import Ga467Reader
from devices.id_card.sw import Sw3
from devices.status import Health
from devices.twins.id_card.emulated import EmulatedGa467Reader
from devices.twins.id_card.emulator import Ga467Emulator
from tests.integration.test_id_card_contract import FAST, Events, expected
from tests.rigs import free_port, rig_missing
from tests.rigs.serial_pty import PtyPair, open_pty_pair
from tests.rigs.waiting import budget, pass_time, wait_until


@pytest.fixture
def twin(serial_pty: PtyPair) -> Iterator[tuple[Ga467Reader, Ga467Emulator]]:
    emulator = Ga467Emulator(serial_pty.peer, card="resident")
    emulator.start()
    reader = Ga467Reader(port=serial_pty.device, **FAST)
    yield reader, emulator
    reader.close()
    emulator.stop()


def test_a_few_checksum_errors_are_retried(twin: tuple[Ga467Reader, Ga467Emulator]) -> None:
    reader, emulator = twin
    emulator.faults.checksum_errors = 2
    assert reader.read_once(2) == expected("resident")


def test_persistent_checksum_errors_are_typed(twin: tuple[Ga467Reader, Ga467Emulator]) -> None:
    reader, emulator = twin
    emulator.faults.checksum_errors = 100
    with pytest.raises(FrameChecksumError) as info:
        reader.read_once(1)
    assert info.value.code == "id_card.frame.checksum"


def test_garbage_before_every_answer(twin: tuple[Ga467Reader, Ga467Emulator]) -> None:
    reader, emulator = twin
    emulator.faults.garbage_bytes = 40
    assert reader.read_once(2) == expected("resident")


def test_answers_in_pieces(twin: tuple[Ga467Reader, Ga467Emulator]) -> None:
    reader, emulator = twin
    emulator.faults.partial_frames = True
    assert reader.read_once(2) == expected("resident")


def test_card_pulled_mid_read(twin: tuple[Ga467Reader, Ga467Emulator]) -> None:
    reader, emulator = twin
    emulator.faults.pull_mid_read = True
    with pytest.raises(IdCardRemoved) as info:
        reader.read_once(2)
    assert isinstance(info.value, CardRemoved) and emulator.card is None


def test_card_pulled_mid_read_while_polling_emits_nothing_then_recovers(
        twin: tuple[Ga467Reader, Ga467Emulator]) -> None:
    reader, emulator = twin
    events = Events()
    reader.subscribe(events)
    emulator.faults.pull_mid_read = True
    reader.open()
    events.wait("status_changed")
    pass_time(0.5, reason="several polls with the card pulled mid-read: none may report a card")
    assert events.named("card_placed") == [] and emulator.card is None
    emulator.place_card("foreigner")
    assert events.wait("card_placed")[0].payload == expected("foreigner")


def test_slow_line_at_the_configured_baud(serial_pty: PtyPair) -> None:
    with Ga467Emulator(serial_pty.peer, baudrate=9600, paced=True):
        reader = Ga467Reader(port=serial_pty.device, baudrate=9600, timeout_s=0.3)
        try:
            assert reader.read_once(5).card_type == "resident"  # 1295 bytes take 1.35 s at 9600 baud
        finally:
            reader.close()


def test_line_slower_than_configured_times_out(serial_pty: PtyPair) -> None:
    with Ga467Emulator(serial_pty.peer, baudrate=9600, paced=True):
        reader = Ga467Reader(port=serial_pty.device, baudrate=115200, timeout_s=0.1, attempts=1)
        try:
            with pytest.raises(DeviceTimeout):
                reader.read_once(1)
        finally:
            reader.close()


def test_silent_reader_is_a_timeout_and_offline(twin: tuple[Ga467Reader, Ga467Emulator]) -> None:
    reader, emulator = twin
    emulator.faults.silent = True
    with pytest.raises(DeviceTimeout):
        reader.read_once(1)
    status = reader.status()
    assert status.health is Health.OFFLINE and status.code == "device.timeout"


def test_sam_fault_degrades(twin: tuple[Ga467Reader, Ga467Emulator]) -> None:
    reader, emulator = twin
    emulator.faults.sam_fault = True
    with pytest.raises(SamFault):
        reader.read_once(1)
    assert reader.status().health is Health.DEGRADED
    assert reader.status().code == Sw3.SAM_SELF_TEST.code
    emulator.faults.sam_fault = False
    assert reader.read_once(1).id_number_valid and reader.status().ok


def test_emulator_reports_corrupt_requests(serial_pty: PtyPair) -> None:
    with Ga467Emulator(serial_pty.peer), serial.Serial(serial_pty.device, 115200, timeout=budget(1)) as port:
        bad = bytearray(encode_request(0x20, 0x01))
        bad[-1] ^= 0x01
        port.write(bytes(bad) + encode_request(0x12, 0xFF))
        decoder = FrameDecoder()
        frames: list[Frame | FrameError] = []
        while len(frames) < 2:
            chunk = port.read(max(1, port.in_waiting))
            assert chunk, "the emulator did not answer"
            frames += decoder.feed(chunk)
    assert [f.as_response().sw3 for f in frames] == [Sw3.CHECKSUM, Sw3.OK]  # type: ignore[union-attr]


def test_unplugged_port_goes_offline_and_reconnects(tmp_path: Path) -> None:
    pair = open_pty_pair(tmp_path)
    emulator = Ga467Emulator(pair.peer, card="resident")
    emulator.start()
    reader = Ga467Reader(port=pair.device, **FAST)
    events = Events()
    reader.subscribe(events)
    second: PtyPair | None = None
    try:
        reader.open()
        events.wait("card_placed")
        pair.unplug()
        events.wait("card_removed")
        offline = [e.payload for e in events.wait("status_changed", 2)][-1]
        assert offline.health is Health.OFFLINE and reader.status().health is Health.OFFLINE
        emulator.stop()
        second = open_pty_pair(tmp_path)  # the adapter is plugged back in: same path, new pty
        assert second.device == pair.device
        emulator = Ga467Emulator(second.peer, card="hk_resident")
        emulator.start()
        assert events.wait("card_placed", 2, 10)[1].payload == expected("hk_resident")
        assert reader.status().ok
    finally:
        reader.close()
        emulator.stop()
        if second is not None:
            second.unplug()


def test_spy_url_writes_a_technician_trace(serial_pty: PtyPair, tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    with Ga467Emulator(serial_pty.peer):
        reader = Ga467Reader(port=f"spy://{serial_pty.device}?file={trace}", timeout_s=0.5)
        try:
            assert reader.read_once(2).id_number_valid
        finally:
            reader.close()
    text = trace.read_text()
    assert "TX   0000  AA AA AA 96 69 00 03 20  01 22" in text  # find
    assert "TX   0000  AA AA AA 96 69 00 03 30  01 32" in text  # read
    assert " RX   " in text


@pytest.fixture
def tcp_bridge(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A serial-to-TCP bridge as halls use for remote readers: a pty on one side, TCP on the other."""
    if shutil.which("socat") is None:
        rig_missing("socat is not installed (apt-get install socat)")
    link, port = tmp_path / "ttyBRIDGE", free_port()
    proc = subprocess.Popen(["socat", f"pty,raw,echo=0,link={link}", f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with contextlib.suppress(AssertionError):
        wait_until(lambda: link.exists() or proc.poll() is not None, timeout_s=5, what="socat's bridge")
    if not link.exists():
        proc.kill()
        rig_missing("socat did not create the TCP bridge")
    yield str(link), port
    proc.terminate()
    proc.wait(budget(5))


def test_socket_url_through_a_tcp_bridge(tcp_bridge: tuple[str, int]) -> None:
    link, port = tcp_bridge
    with Ga467Emulator(link, card="foreigner"):
        reader = Ga467Reader(port=f"socket://127.0.0.1:{port}", **FAST)
        events = Events()
        reader.subscribe(events)
        reader.open()  # retries the connection with backoff until socat listens
        try:
            assert events.wait("card_placed")[0].payload == expected("foreigner")
        finally:
            reader.close()


def test_loop_url_echo_is_not_a_reader() -> None:
    reader = Ga467Reader(port="loop://", timeout_s=0.1)
    with pytest.raises(ProtocolError):
        reader.read_once(0.5)
    reader.close()


@pytest.mark.parametrize("options", [
    {"port": ""}, {"port": "/dev/ttyUSB0", "baudrate": 1234}, {"port": "socket://localhost:abc"},
    {"port": "socket://:4000"},
])
def test_bad_options_fail_at_construction(options: dict[str, object]) -> None:
    with pytest.raises(DeviceConfigError):
        Ga467Reader(**options)  # type: ignore[arg-type]
    with pytest.raises(DeviceConfigError):
        EmulatedGa467Reader(port="/dev/ttyUSB0")


@pytest.mark.parametrize("url", ["bogus://x", "spy:///dev/null?nonsense=1"])
def test_bad_urls_are_config_errors(url: str) -> None:
    reader = Ga467Reader(port=url, timeout_s=0.1)
    with pytest.raises(DeviceConfigError):
        reader.read_once(0.2)
    reader.close()


def test_missing_port_is_offline_and_named_missing(tmp_path: Path) -> None:
    reader = Ga467Reader(port=str(tmp_path / "ttyGONE"), timeout_s=0.1)
    with pytest.raises(DeviceOffline):
        reader.read_once(0.2)
    assert reader.status().health is Health.OFFLINE and reader.status().code == "device.port_missing"
    reader.close()


def test_emulator_as_its_own_process(serial_pty: PtyPair) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "devices.twins.id_card.emulator_cli", "--port", serial_pty.peer,
                             "--card", "hk_resident", "--garbage-bytes", "7"], stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None and b"answering" in proc.stderr.readline()
        reader = Ga467Reader(port=serial_pty.device, **FAST)
        try:
            assert reader.read_once(3) == expected("hk_resident")
        finally:
            reader.close()
    finally:
        proc.terminate()
        assert proc.wait(budget(5)) == 0
