"""``devices diagnose`` tells the truth: it waits for each device to settle, then says ok or the real cause
(port missing, no answer, wrong device on the port, pcscd not running) with what to check next; exit 0
only when every enabled device is ok; twins say they are twins. Real drivers on real rigs (pty, pcscd)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import serial

from devices.twins.id_card.emulator import Ga467Emulator
from tests.integration.devices.cli_args import only_device
from tests.rigs.hall_server import run_main
from tests.rigs.pcsc import VirtualReaderRig
from tests.rigs.serial_pty import PtyPair
from tests.rigs.waiting import budget


def _diagnose(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    done = run_main("devices", "diagnose", *args, env=env, timeout=budget(90))
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.fixture
def ga467_on_pty(serial_pty: PtyPair) -> Iterator[str]:
    emulator = Ga467Emulator(serial_pty.peer, card=None)
    emulator.start()
    yield serial_pty.device
    emulator.stop()


def test_real_ga467_driver_on_a_working_reader_is_ok(ga467_on_pty: str) -> None:
    rc, report = _diagnose(*only_device("id_card", "devices.id_card.driver=ga467",
                                        f"devices.id_card.port={ga467_on_pty}"))
    card = report["devices"]["id_card"]
    assert (rc, report["ok"], card["health"], card["code"], card["twin"]) == (0, True, "ok", "ok", False)
    assert "next" not in card and report["devices"]["printer"]["health"] == "disabled"


def test_missing_port_is_named_with_the_setting_to_fix() -> None:
    rc, report = _diagnose(*only_device("id_card", "devices.id_card.driver=ga467", "devices.id_card.port=/dev/ttyUSB9"))
    card = report["devices"]["id_card"]
    assert (rc, report["ok"], card["code"]) == (1, False, "device.port_missing")
    assert "devices.id_card.port" in card["next"]["en"] and "/dev/ttyUSB9" in card["next"]["en"]
    assert card["next"]["zh"] and report["error"]["code"] == "device.not_ok"


def test_silent_port_is_no_answer_not_closed(serial_pty: PtyPair) -> None:
    rc, report = _diagnose(*only_device("id_card", "devices.id_card.driver=ga467",
                                  f"devices.id_card.port={serial_pty.device}", "devices.id_card.timeout_s=0.3"))
    card = report["devices"]["id_card"]
    assert (rc, card["health"], card["code"]) == (1, "offline", "device.timeout")
    assert "answer" in card["next"]["en"]


def _nmea_device(peer: str, stop: threading.Event) -> None:
    """A GPS receiver where the reader should be: it answers every request with NMEA sentences."""
    with serial.serial_for_url(peer, baudrate=115200, timeout=budget(0.05)) as port:
        while not stop.is_set():
            if port.read(64):
                port.write(b"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n")


def test_wrong_device_on_the_port_is_named(serial_pty: PtyPair) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=_nmea_device, args=(serial_pty.peer, stop), daemon=True)
    thread.start()
    try:
        rc, report = _diagnose(*only_device("id_card", "devices.id_card.driver=ga467",
                                      f"devices.id_card.port={serial_pty.device}", "devices.id_card.timeout_s=0.3"))
    finally:
        stop.set()
        thread.join(5)
    card = report["devices"]["id_card"]
    assert (rc, card["code"]) == (1, "id_card.not_a_reader")
    assert "not an ID card reader" in card["next"]["en"]


def test_pcsc_driver_with_pcscd_running_is_ok(pcsc_virtual_reader: VirtualReaderRig) -> None:
    rc, report = _diagnose(*only_device("ss_card", "devices.ss_card.driver=pcsc", 'devices.ss_card.reader="Virtual"'))
    ss = report["devices"]["ss_card"]
    assert (rc, ss["health"], ss["code"], ss["twin"]) == (0, "ok", "ok", False), ss


def test_pcsc_driver_without_pcscd_says_so(tmp_path: Path) -> None:
    env = {"PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm")}
    rc, report = _diagnose(*only_device("ss_card", "devices.ss_card.driver=pcsc"), env=env)
    ss = report["devices"]["ss_card"]
    assert (rc, ss["code"]) == (1, "ss_card.pcscd_unavailable")
    assert "systemctl restart pcscd" in ss["next"]["en"]


def test_twins_report_ok_and_say_they_are_twins() -> None:
    rc, report = _diagnose(*only_device("printer"))
    printer = report["devices"]["printer"]
    assert (rc, printer["health"], printer["twin"]) == (0, "ok", True) and "twin" in printer["note"]


def test_settle_time_is_bounded_and_validated() -> None:
    done = run_main("devices", "diagnose", "--settle", "0", timeout=budget(60))
    assert done.returncode == 2 and json.loads(done.stdout)["error"]["code"] == "device.config"


def _sdk(library: Path | str, *sets: str) -> list[str]:
    return only_device("id_card", "devices.id_card.driver=sdk", f'devices.id_card.options.library="{library}"',
                       *sets)


def test_vendor_sdk_reader_on_the_termb_twin_is_ok(sdk_twin_library: Path, sdk_reader_line: Ga467Emulator,
                                                    tmp_path: Path) -> None:
    """The real ctypes path (termb family, USB port 1001) through the C twin to the GA 467 emulator."""
    rc, report = _diagnose(*_sdk(sdk_twin_library, "devices.id_card.options.family=termb",
                                 f'devices.id_card.options.content_dir="{tmp_path}"'))
    card = report["devices"]["id_card"]
    assert (rc, card["health"], card["code"], card["driver"]) == (0, "ok", "ok", "sdk"), card


def test_vendor_sdk_faults_say_what_to_check_next(sdk_twin_library: Path, tmp_path: Path) -> None:
    """Missing library, a family the library does not speak, a port the SDK cannot open: each its own
    id_card.sdk_* code and a next step naming the setting and the command to run."""
    rc, report = _diagnose(*_sdk(tmp_path / "libtermb.so"))
    card = report["devices"]["id_card"]
    assert (rc, card["code"]) == (1, "id_card.sdk_missing")
    assert f"{tmp_path / 'libtermb.so'}" in card["next"]["en"] and "options.library" in card["next"]["en"]

    rc, report = _diagnose(*_sdk(sdk_twin_library, "devices.id_card.options.functions.read=Vendor_Read"))
    card = report["devices"]["id_card"]
    assert (rc, card["code"]) == (1, "id_card.sdk_function")
    assert "nm -D" in card["next"]["en"] and "options.functions" in card["next"]["en"] and card["next"]["zh"]

    # no reader behind USB port 1003 (the twin finds no device for it)
    rc, report = _diagnose(*_sdk(sdk_twin_library, "devices.id_card.options.port=1003"),
                           env={"HALL_SDK_TWIN_DEVICE": "", "HALL_SDK_TWIN_PORT_1003": str(tmp_path / "none")})
    card = report["devices"]["id_card"]
    assert (rc, card["code"]) == (1, "id_card.sdk_port")
    assert "1003" in card["next"]["en"] and "lsusb" in card["next"]["en"]
