"""Printer connections (``usb:VID:PID``, ``serial:/dev/ttyS0[:baud]``, ``tcp:HOST[:PORT]``,
``file:/path``) opened as python-escpos printer objects, and the one place escpos, socket, serial
and USB exceptions become :mod:`devices.errors`.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import serial
from escpos import exceptions as escpos_exc
from escpos.escpos import Escpos

from devices.errors import DeviceConfigError, DeviceError, DeviceOffline, DeviceTimeout, PrinterError

FORMS = "usb:VID:PID (hex), serial:/dev/ttyS0[:baud], tcp:HOST[:PORT], file:/path"
DEFAULT_TCP_PORT = 9100
DEFAULT_BAUD = 9600


@dataclass(frozen=True, slots=True)
class Connection:
    scheme: str  # usb / serial / tcp / file
    target: str  # device path, host or file path ("" for usb)
    number: int = 0  # baud rate or TCP port
    vendor: int = 0
    product: int = 0

    def __str__(self) -> str:
        if self.scheme == "usb":
            return f"usb:{self.vendor:04x}:{self.product:04x}"
        if self.scheme in ("serial", "tcp"):
            return f"{self.scheme}:{self.target}:{self.number}"
        return f"{self.scheme}:{self.target}"


def parse_connection(text: str) -> Connection:
    """Parse a ``devices.printer.connection`` string. Raises DeviceConfigError showing the forms."""
    scheme, _, rest = text.strip().partition(":")
    bad = DeviceConfigError(f"devices.printer.connection={text!r} is not valid; expected {FORMS}")
    if not rest:
        raise bad
    try:
        if scheme == "usb":
            vid, _, pid = rest.partition(":")
            return Connection("usb", "", vendor=int(vid, 16), product=int(pid, 16))
        if scheme == "serial":
            path, _, baud = rest.partition(":")
            rate = int(baud) if baud else DEFAULT_BAUD
            if not path or not 1200 <= rate <= 921600:
                raise bad
            return Connection("serial", path, number=rate)
        if scheme == "tcp":
            host, _, port = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
            number = int(port) if port else DEFAULT_TCP_PORT
            if not host or not 0 < number < 65536:
                raise bad
            return Connection("tcp", host, number=number)
        if scheme == "file":
            return Connection("file", rest)
    except ValueError as exc:
        raise bad from exc
    raise bad


@contextmanager
def translated(where: str) -> Iterator[None]:
    """Turn any transport or python-escpos failure into a DeviceError (the one translation point)."""
    try:
        yield
    except DeviceError:
        raise
    except escpos_exc.DeviceNotFoundError as exc:
        raise DeviceOffline(f"printer {where} not found") from exc
    except (TimeoutError, serial.SerialTimeoutException) as exc:
        raise DeviceTimeout(f"printer {where} did not answer in time") from exc
    except (OSError, serial.SerialException) as exc:  # also usb.core.USBError (an OSError)
        raise DeviceOffline(f"printer {where} connection failed ({exc.__class__.__name__})") from exc
    except escpos_exc.Error as exc:
        raise PrinterError(f"printer {where} refused the job (escpos code {exc.resultcode})") from exc
    except (ValueError, RuntimeError, AssertionError) as exc:  # escpos raises these for missing libs
        raise DeviceOffline(f"printer {where} unusable ({exc.__class__.__name__}: {exc})") from exc


def open_transport(conn: Connection, *, timeout_s: float) -> Escpos:
    """Open the python-escpos printer for ``conn``. Raises DeviceOffline / DeviceConfigError."""
    printer: Escpos
    with translated(str(conn)):
        if conn.scheme == "tcp":
            from escpos.printer import Network

            printer = Network(host=conn.target, port=conn.number, timeout=timeout_s)
        elif conn.scheme == "serial":
            from escpos.printer import Serial

            printer = Serial(devfile=conn.target, baudrate=conn.number, timeout=timeout_s)
        elif conn.scheme == "usb":
            from escpos.printer import Usb

            # pyusb counts its timeout in milliseconds
            printer = Usb(idVendor=conn.vendor, idProduct=conn.product, timeout=int(timeout_s * 1000))
        elif conn.scheme == "file":
            from escpos.printer import File

            printer = File(devfile=conn.target)
        else:
            raise DeviceConfigError(f"unknown connection scheme {conn.scheme!r}; expected {FORMS}")
        printer.open()
        if conn.scheme == "tcp":
            # status queries are 3-byte writes awaiting 1-byte answers: Nagle would delay each by ~40 ms
            printer.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if conn.scheme == "serial":
            printer.device.write_timeout = timeout_s
    return printer


def can_read_status(printer: Escpos) -> bool:
    """False for write-only transports (file:, e.g. /dev/usb/lp0), which get no status queries."""
    from escpos.printer import File

    return not isinstance(printer, File)


def read_status_byte(printer: Escpos) -> int:
    """One DLE EOT answer byte. Raises DeviceTimeout if none comes, DeviceOffline if the peer closed.

    python-escpos' Serial._read asks for 16 bytes and so always waits out the timeout; a status
    answer is one byte, so serial lines read exactly one.
    """
    from escpos.printer import Network, Serial

    data = printer.device.read(1) if isinstance(printer, Serial) else printer._read()
    if data:
        return int(data[-1])
    if isinstance(printer, Network):
        raise DeviceOffline("network printer closed the connection")
    raise DeviceTimeout("printer did not answer the status query (DLE EOT)")


def close_quietly(printer: Escpos | None) -> None:
    """Close a transport that may already be broken; a close failure must not hide the real error."""
    if printer is None:
        return
    try:
        printer.close()
    except Exception:  # noqa: BLE001 - the connection is being dropped either way
        # forget the broken handle, or python-escpos' __del__ would try to close it again
        printer._device = False
