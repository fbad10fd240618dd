"""Driver ``serial``: a line-mode scanner on any pyserial URL (``/dev/ttyACM0``, ``socket://``, ``spy://``).

The port is read on the worker thread with a short timeout; when it vanishes (USB pulled) the
driver goes offline and reopens it with backoff, turning ok again once it is back.
"""

from __future__ import annotations

import logging
import time

import serial

from devices.code_scanner._base import ScannerBase
from devices.code_scanner.lines import LineSplitter
from devices.errors import DeviceConfigError, DeviceError, DeviceOffline, DeviceTimeout
from devices.status import Health
from devices.worker import Backoff

log = logging.getLogger(__name__)


class SerialCodeScanner(ScannerBase):
    """Options from ``[devices.code_scanner]``: ``port``, ``baudrate``, ``terminator``, ``debounce_s``."""

    driver_name = "serial"

    def __init__(self, *, port: str, baudrate: int = 9600, terminator: str = "\r", debounce_s: float = 2.0,
                 read_timeout_s: float = 0.05, open_timeout_s: float = 5.0,
                 **_other_drivers_options: object) -> None:
        if not port:
            raise DeviceConfigError("devices.code_scanner.port is empty; expected a pyserial URL such as "
                                    "/dev/ttyACM0, /dev/ttyUSB0 or socket://host:port")
        try:
            self._splitter = LineSplitter(terminator)
        except ValueError as exc:
            raise DeviceConfigError(f"devices.code_scanner.terminator: {exc}") from exc
        super().__init__(debounce_s=debounce_s, poll_interval_s=0.005)
        self.port, self.baudrate = port, baudrate
        self.read_timeout_s, self.open_timeout_s = read_timeout_s, open_timeout_s
        self._serial: serial.Serial | None = None
        self._wanted_open = False
        self._backoff = Backoff(initial_s=0.2, cap_s=5.0)
        self._retry_at = 0.0

    def open(self) -> None:
        """Open the port. Raises DeviceOffline (reconnect keeps trying), DeviceConfigError, DeviceTimeout."""
        self._wanted_open = True
        future = self._worker.submit(self._connect)
        try:
            future.result(timeout=self.open_timeout_s)
        except TimeoutError as exc:
            raise DeviceTimeout(f"serial scanner: opening {self.port} took too long") from exc

    def close(self) -> None:
        self._wanted_open = False
        if self._worker.running:
            self._worker.submit(self._release).result(timeout=self.open_timeout_s)
            self._worker.stop()
        self._set_closed()

    def _connect(self) -> None:
        if self._serial is not None:
            return
        try:
            self._serial = serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=self.read_timeout_s,
                                                 write_timeout=self.read_timeout_s)
        except ValueError as exc:  # pyserial's answer to a malformed URL or option
            raise DeviceConfigError(f"devices.code_scanner.port {self.port!r}: {exc}") from exc
        except (serial.SerialException, OSError) as exc:
            self._retry_at = time.monotonic() + self._backoff.next_delay()
            self._set_status(Health.OFFLINE, "device.offline", "扫码器未连接", "scanner port unavailable")
            raise DeviceOffline(f"serial scanner: cannot open {self.port}: {exc}") from exc
        self._backoff.reset()
        self._set_ok()

    def _release(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError):
                log.warning("serial scanner: closing %s failed", self.port)
            self._serial = None

    def _poll(self) -> None:
        if not self._wanted_open:
            return
        if self._serial is None:
            if time.monotonic() >= self._retry_at:
                try:
                    self._connect()
                except DeviceError:
                    return
            else:
                time.sleep(0.02)
                return
        assert self._serial is not None
        try:
            data = self._serial.read(max(1, self._serial.in_waiting))
        except (serial.SerialException, OSError) as exc:
            log.warning("serial scanner: %s lost (%s); reconnecting", self.port, exc.__class__.__name__)
            self._release()
            self._retry_at = time.monotonic() + self._backoff.next_delay()
            self._set_status(Health.OFFLINE, "device.offline", "扫码器已断开", "scanner port lost; reconnecting")
            return
        for code in self._splitter.parse(data):
            self._deliver(code)
