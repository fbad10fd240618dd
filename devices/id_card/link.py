"""One serial link to a GA 467 reader over any pyserial URL, with a deadline on every exchange.

pyserial's exceptions are translated here, and only here: a bad URL or option is a
DeviceConfigError, a port that cannot be opened or vanishes is DeviceOffline, silence is DeviceTimeout.
"""

from __future__ import annotations

import errno
import logging
import time
from urllib.parse import urlsplit

import serial

try:
    from termios import error as _TermiosError  # pyserial lets tcflush's error through on posix
except ImportError:  # pragma: no cover - not posix
    class _TermiosError(Exception):  # type: ignore[no-redef]
        pass

from devices.errors import DeviceConfigError, DeviceOffline, DeviceTimeout
from devices.id_card.errors import FrameChecksumError, FrameError, NotAReader
from devices.id_card.frames import Frame, FrameDecoder, Response, encode_request

log = logging.getLogger(__name__)

BAUDRATES = (9600, 19200, 38400, 57600, 115200)
# Short enough that a deadline is honoured closely, long enough not to spin.
_READ_SLICE_S = 0.02


def wire_time_s(n_bytes: int, baudrate: int) -> float:
    """Time ``n_bytes`` take on the line: 10 bits a byte (start, 8 data, stop)."""
    return n_bytes * 10 / baudrate


def _check_network_url(url: str) -> None:
    """pyserial's own message for a bad ``socket://`` port is garbled; say what is expected."""
    parts = urlsplit(url)
    if parts.scheme not in ("socket", "rfc2217"):
        return
    try:
        port = parts.port
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise DeviceConfigError(f"devices.id_card.port={url!r}; expected {parts.scheme}://HOST:PORT")


# Why a port would not open, when the system says so: the cause a technician fixes differs.
_OPEN_CODES = {errno.ENOENT: "device.port_missing", errno.ENODEV: "device.port_missing",
               errno.EACCES: "device.port_denied", errno.EBUSY: "device.port_busy"}


class SerialLink:
    """Request/response over one port. Not thread-safe: the device worker thread owns it."""

    def __init__(self, url: str, *, baudrate: int, timeout_s: float) -> None:
        if not url:
            raise DeviceConfigError(
                "devices.id_card.port is empty; expected a pyserial URL such as /dev/ttyUSB0, "
                "spy:///dev/ttyUSB0?file=trace.txt or socket://host:port")
        if baudrate not in BAUDRATES:
            raise DeviceConfigError(
                f"devices.id_card.baudrate={baudrate}; expected one of {', '.join(map(str, BAUDRATES))}")
        _check_network_url(url)
        self.url, self.baudrate, self.timeout_s = url, baudrate, timeout_s
        self._port: serial.Serial | None = None
        self._decoder = FrameDecoder()
        # Once a GA 467 preamble came over this link a reader is there: later noise (the tail of an answer
        # that came too late) is a timeout, not a wrong device.
        self._heard_reader = False

    @property
    def is_open(self) -> bool:
        return self._port is not None and self._port.is_open

    def open(self) -> None:
        """Open the port. Raises DeviceConfigError for a bad URL, DeviceOffline if it cannot open."""
        if self.is_open:
            return
        try:
            self._port = serial.serial_for_url(
                self.url, baudrate=self.baudrate, timeout=_READ_SLICE_S, write_timeout=self.timeout_s)
        except ValueError as exc:
            raise DeviceConfigError(f"devices.id_card.port={self.url!r}: {exc}") from exc
        except (serial.SerialException, OSError) as exc:
            # pyserial's URL handlers report malformed URLs/options as SerialException with this text.
            if "expected a string in the form" in str(exc):
                raise DeviceConfigError(f"devices.id_card.port={self.url!r}: {exc}") from exc
            code = _OPEN_CODES.get(getattr(exc, "errno", None) or 0)
            raise DeviceOffline(f"cannot open {self.url!r}: {exc}", code=code) from exc
        self._decoder.reset()
        self._heard_reader = False

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):  # closing a vanished port: nothing left to do
                log.debug("closing %s failed", self.url, exc_info=True)

    def transact(self, cmd: int, para: int, data: bytes = b"", *, timeout_s: float | None = None) -> Response:
        """Send one request and return the reader's response frame.

        Raises DeviceOffline (port gone), DeviceTimeout (no complete answer in time),
        FrameChecksumError / FrameError (the answer was corrupt).
        """
        port = self._port
        if port is None or not port.is_open:
            raise DeviceOffline(f"{self.url!r} is not open")
        frame = encode_request(cmd, para, data)
        try:
            # Stale bytes of an answer that came too late must not pass as this command's answer.
            port.reset_input_buffer()
            self._decoder.reset()
            port.write(frame)
            port.flush()
            return self._receive(port, timeout_s if timeout_s is not None else self.timeout_s)
        except serial.SerialTimeoutException as exc:
            raise DeviceTimeout(f"writing to {self.url!r} timed out") from exc
        except (serial.SerialException, OSError, _TermiosError) as exc:
            self.close()
            raise DeviceOffline(f"{self.url!r} failed: {exc}") from exc

    def _receive(self, port: serial.Serial, timeout_s: float) -> Response:
        deadline = time.monotonic() + timeout_s
        last_error: FrameError | None = None
        discarded = self._decoder.discarded
        while True:
            chunk = port.read(max(1, port.in_waiting))
            if chunk:
                items = self._decoder.feed(chunk)
                self._heard_reader = self._heard_reader or bool(items) or self._decoder.pending > 0
                frames = [i for i in items if isinstance(i, Frame)]
                if frames:
                    return frames[0].as_response()
                errors = [i for i in items if isinstance(i, FrameError)]
                if errors:
                    last_error = errors[-1]
                    if isinstance(last_error, FrameChecksumError):
                        raise last_error
            if time.monotonic() >= deadline:
                if last_error is not None:
                    raise last_error
                if self._decoder.discarded > discarded and not self._heard_reader:
                    raise NotAReader(f"{self._decoder.discarded - discarded} bytes from {self.url!r} in "
                                     f"{timeout_s:.2f} s, none of them a GA 467 frame")
                raise DeviceTimeout(
                    f"no complete answer from {self.url!r} within {timeout_s:.2f} s "
                    f"({self._decoder.pending} bytes of a frame pending)")
