"""The device error tree: every driver raises these, never a vendor's exception.

Codes are stable strings; the UI and the technician tools pick messages by class or code,
never by ``str(e)``. Vendor exceptions are translated at one place per driver with ``raise … from``.
"""

from __future__ import annotations


class DeviceError(Exception):
    """Base of every device failure. ``code`` is stable and machine-readable."""

    code = "device.error"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        if code is not None:
            self.code = code


class DriverNotFound(DeviceError):
    """No driver of that name is registered for that device kind."""

    code = "device.driver_not_found"


class DriverImportFailed(DeviceError):
    """The driver is registered but its module (or a vendor library it needs) failed to import."""

    code = "device.driver_import_failed"


class DeviceConfigError(DeviceError):
    """The driver's options are invalid (bad port URL, baud rate out of range, …)."""

    code = "device.config"


class DeviceOffline(DeviceError):
    """The device cannot be reached (port gone, reader unplugged, server of the device down)."""

    code = "device.offline"


class DeviceTimeout(DeviceError):
    """The device did not answer in time."""

    code = "device.timeout"


class ProtocolError(DeviceError):
    """The device answered with bytes that do not follow its protocol (garbled, bad checksum)."""

    code = "device.protocol"


class NoCard(DeviceError):
    """No card is present in the reader's field or slot."""

    code = "device.no_card"


class CardRemoved(DeviceError):
    """The card was taken away during the operation."""

    code = "device.card_removed"


class CardReadError(DeviceError):
    """The card is present but could not be read."""

    code = "device.card_read"


class PrinterError(DeviceError):
    """The printer refused or failed a job."""

    code = "device.printer"


class PaperOut(PrinterError):
    """The printer has no paper."""

    code = "device.printer.paper_out"


class CoverOpen(PrinterError):
    """The printer's cover is open."""

    code = "device.printer.cover_open"


class NotAPrinter(PrinterError, ProtocolError):
    """Something answers on the printer's connection, but not with ESC/POS status bytes (wrong IP/port,
    another device on the serial line)."""

    code = "device.printer.not_a_printer"


class CameraError(DeviceError):
    """The camera could not deliver a frame."""

    code = "device.camera"
