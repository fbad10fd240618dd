"""``devices scan --timeout S`` waits for one code from the configured scanner — serial on a pty, camera
on image files, keyboard wedge typing on stdin, simulated lines on stdin — and prints it as JSON;
nothing within the time is exit 1, a bad timeout exit 2; ``--image FILE`` stays."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import qrcode
import serial
from qrcode.image.pil import PilImage

from tests.integration.devices.cli_args import only_device
from tests.rigs.hall_server import ROOT, run_main
from tests.rigs.serial_pty import PtyPair
from tests.rigs.waiting import budget


def _scan(*args: str, stdin: bytes | None = None) -> tuple[int, object]:
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "devices", "scan", *args], cwd=ROOT,
                          input=stdin, capture_output=True, timeout=budget(90), check=False,
                          stdin=None if stdin is not None else subprocess.DEVNULL)
    assert b"Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_serial_scanner_code_is_printed(serial_pty: PtyPair) -> None:
    stop = threading.Event()

    def pull_trigger() -> None:  # until the driver has the port open and reads the code
        with serial.Serial(serial_pty.peer, timeout=budget(0.1)) as peer:
            while not stop.wait(0.2):
                peer.write(b"RC-2024-0001\r")
                peer.flush()

    thread = threading.Thread(target=pull_trigger, daemon=True)
    thread.start()
    try:
        rc, codes = _scan("--timeout", "20", *only_device("code_scanner", "devices.code_scanner.driver=serial",
                                                          f"devices.code_scanner.port={serial_pty.device}"))
    finally:
        stop.set()
        thread.join(5)
    assert rc == 0 and codes == [{"type": "unknown", "text": "RC-2024-0001"}]


def test_camera_scanner_code_is_printed(tmp_path: Path) -> None:
    image = tmp_path / "code.png"
    qrcode.make("HALL:BOOKING:CAM42", image_factory=PilImage).save(image)
    rc, codes = _scan("--timeout", "20", *only_device("code_scanner", "devices.code_scanner.driver=camera",
                                                      f"devices.code_scanner.source={image}"))
    assert rc == 0 and codes == [{"type": "qr", "text": "HALL:BOOKING:CAM42"}]


def test_keyboard_wedge_burst_on_stdin_is_a_code() -> None:
    rc, codes = _scan("--timeout", "10", *only_device("code_scanner", "devices.code_scanner.driver=keyboard"),
                      stdin=b"6901234567892\r")
    assert rc == 0 and isinstance(codes, list) and codes[0]["text"] == "6901234567892"


def test_simulated_scanner_reads_lines_from_stdin() -> None:
    rc, codes = _scan("--timeout", "10", stdin=b"HALL:BOOKING:SIM7\n")
    assert rc == 0 and codes == [{"type": "unknown", "text": "HALL:BOOKING:SIM7"}]


def test_no_code_in_time_is_exit_1_and_a_bad_timeout_exit_2() -> None:
    rc, out = _scan("--timeout", "0.5")
    assert rc == 1 and isinstance(out, dict) and out["error"]["code"] == "device.scanner.no_code"
    rc, out = _scan("--timeout", "-1")
    assert rc == 2 and isinstance(out, dict) and out["error"]["code"] == "device.config"


def test_image_option_stays(tmp_path: Path) -> None:
    image = tmp_path / "code.png"
    qrcode.make("HALL:IMAGE:1", image_factory=PilImage).save(image)
    done = run_main("devices", "scan", "--image", str(image))
    assert done.returncode == 0 and json.loads(done.stdout)[0]["text"] == "HALL:IMAGE:1"
