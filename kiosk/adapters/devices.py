"""The kiosk's devices: opened from config off the GUI thread, events to the hub, ports for flows.

A device that fails to open is simply absent (its status says why); flows see it as unusable and
degrade. Vendor and device errors become port errors here, at one place.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from typing import Any

from devices.errors import DeviceError
from devices.status import DeviceStatus, Health
from kiosk.flows.base import Devices
from kiosk.flows.ports import DeviceFault, FaceResult, PrinterFault
from kiosk.i18n import tr

log = logging.getLogger(__name__)

def _both(key: str) -> tuple[str, str]:
    return tr("zh_CN", key), tr("en", key)


KINDS = ("id_card", "ss_card", "code_scanner", "camera", "doc_camera", "printer", "voice", "face_verifier")


class KioskDevices:
    """Owns the drivers: opened from ``settings`` (the ``devices`` table), or exactly the ``drivers``
    handed in (tests, benchmarks) when ``settings`` is None."""

    def __init__(self, settings: Any = None, *, drivers: dict[str, Any] | None = None,
                 listener: Callable[[str], Callable[[Any], None]] | None = None,
                 enabled: Collection[str] | None = None) -> None:
        self.settings = settings
        self.enabled = None if enabled is None else frozenset(enabled)  # None: every kind
        self.drivers: dict[str, Any] = dict(drivers or {})
        self.open_errors: dict[str, str] = {}
        self._listener = listener
        self._unsubscribe: list[Callable[[], None]] = []
        self.printed_at: list[float] = []  # perf_counter when a job's bytes were handed over (bench)
        # open_all (a worker thread) and close_all (the GUI thread at SIGTERM) take turns per device, so a
        # stop that comes while devices are still opening never leaves one (and its pcscd) running.
        self._lifecycle = threading.Lock()
        self._closed = False

    def open_all(self) -> None:
        """Build and start every enabled device (blocking: call off the GUI thread); after
        ``close_all`` it opens nothing more."""
        for kind in KINDS:
            with self._lifecycle:
                if self._closed:
                    return
                self._open_one(kind)

    def _open_one(self, kind: str) -> None:
        from devices.registry import open_device

        if kind not in self.drivers and self.settings is not None:
            cfg = getattr(self.settings, kind)
            if not cfg.enabled:
                return
            try:
                self.drivers[kind] = open_device(kind, cfg.driver, **cfg.options())
            except DeviceError as exc:
                self.open_errors[kind] = exc.code
                log.warning("device %s not available: %s", kind, exc.code)
                return
        if kind in self.drivers:
            self._start(kind)

    def _start(self, kind: str) -> None:
        dev = self.drivers[kind]
        try:
            dev.open()  # every device kind's lifecycle is open()/close()
            self.open_errors.pop(kind, None)
        except DeviceError as exc:
            self.open_errors[kind] = exc.code
            log.warning("device %s failed to start: %s", kind, exc.code)
            return
        except Exception as exc:  # noqa: BLE001 (a driver's bug must not keep the other devices down)
            self.open_errors[kind] = "device.start_failed"
            log.error("device %s failed to start: %s", kind, exc.__class__.__name__)
            return
        if self._listener is not None and hasattr(dev, "subscribe"):
            self._unsubscribe.append(dev.subscribe(self._listener(kind)))

    def close_all(self) -> None:
        """Close every device opened so far, waiting for one that is opening; nothing opens afterwards."""
        with self._lifecycle:
            self._closed = True
        for unsub in self._unsubscribe:
            unsub()
        self._unsubscribe.clear()
        for kind, dev in list(self.drivers.items()):
            try:
                dev.close()
            except DeviceError as exc:
                log.warning("device %s failed to close: %s", kind, exc.code)
            except Exception as exc:  # noqa: BLE001 (one driver's bug must not leave the others open)
                log.error("device %s failed to close: %s", kind, exc.__class__.__name__)

    def status(self, kind: str) -> DeviceStatus:
        dev = self.drivers.get(kind)
        if dev is None:
            code = self.open_errors.get(kind, "device.absent")
            return DeviceStatus(kind, "-", Health.OFFLINE, code, *_both("tech.not_connected"))
        try:
            return dev.status()
        except DeviceError as exc:
            return DeviceStatus(kind, "-", Health.OFFLINE, exc.code, *_both("tech.fault"))

    def statuses(self) -> dict[str, DeviceStatus]:
        """The enabled devices' statuses: a device the settings switch off (a hall without 人证比对) is no
        fault, so the heartbeat and the technician never list it as offline."""
        return {kind: self.status(kind) for kind in KINDS if self._enabled(kind)}

    def _enabled(self, kind: str) -> bool:
        return kind in self.drivers or self.enabled is None or kind in self.enabled

    def usable(self, kind: str) -> bool:
        return kind in self.drivers and kind not in self.open_errors and \
            self.status(kind).health is not Health.OFFLINE

    def refresh(self, flags: Devices) -> None:
        """Copy current usability into the flows' view of the devices (status() never blocks)."""
        for kind in KINDS:
            setattr(flags, kind, self.usable(kind))
        verifier = self.drivers.get("face_verifier")
        flags.face_by_id = flags.face_verifier and getattr(verifier, "driver_name", "") == "provincial"


class PrinterPortAdapter:
    """``print_document`` for flows: DeviceErrors and interrupted jobs become PrinterFault."""

    def __init__(self, devices: KioskDevices) -> None:
        self.devices = devices

    def print_document(self, document: Any) -> None:
        printer = self.devices.drivers.get("printer")
        if printer is None:
            raise PrinterFault(code="device.offline")
        try:
            result = printer.print_document(document)
        except DeviceError as exc:
            raise PrinterFault(code=exc.code if exc.code.startswith("device.") else "device.printer.error") from exc
        self.devices.printed_at.append(time.perf_counter())
        if not getattr(result, "printed", True):
            raise PrinterFault(code=getattr(result.printer, "code", "device.printer.paper_out"))


class DocCameraPortAdapter:
    def __init__(self, devices: KioskDevices) -> None:
        self.devices = devices

    def capture_page(self) -> bytes:
        cam = self.devices.drivers.get("doc_camera")
        if cam is None:
            raise DeviceFault(code="device.offline")
        try:
            return bytes(cam.capture_page().jpeg)
        except DeviceError as exc:
            raise DeviceFault(code=exc.code) from exc


class VoicePortAdapter:
    """Elderly-mode prompts: queued on the voice's own thread, never overlapping."""

    def __init__(self, devices: KioskDevices, *, timeout_s: float = 10.0) -> None:
        self.devices = devices
        self.timeout_s = timeout_s
        self.said: list[str] = []
        self._warned: set[str] = set()
        self._lock = threading.Lock()

    def say(self, text: str) -> None:
        voice = self.devices.drivers.get("voice")
        if voice is None:
            return
        try:
            future = voice.announce(text, repeat=1)
        except DeviceError as exc:
            self._warn(exc.code)
            return
        future.add_done_callback(self._finished)
        with self._lock:
            self.said.append(text)

    def set_volume(self, level: int) -> None:
        """Accessible mode's + and - keys: the voice's level 1..10 (drivers without levels ignore it)."""
        voice = self.devices.drivers.get("voice")
        if voice is not None and hasattr(voice, "set_volume"):
            voice.set_volume(level)

    def _finished(self, future: Any) -> None:
        if future.cancelled():  # the kiosk closed with announcements still queued
            return
        exc = future.exception()
        if exc is not None:  # synthesis failed on the voice's thread: the citizen just hears nothing
            self._warn(getattr(exc, "code", exc.__class__.__name__))

    def _warn(self, code: str) -> None:
        with self._lock:
            if code in self._warned:
                return  # once per cause, not once per screen
            self._warned.add(code)
        log.warning("voice prompt failed: %s (the voice status says why)", code)


class FaceVerifierPortAdapter:
    """``verify`` for flows (人证比对): image bytes in, the face_verifier driver's verdict out; device
    failures become DeviceFault (the flow sends the citizen to a counter)."""

    def __init__(self, devices: KioskDevices, *, timeout_s: float = 8.0) -> None:
        self.devices = devices
        self.timeout_s = timeout_s

    def verify(self, reference: bytes, frames: list[bytes]) -> FaceResult:
        ref = _image(reference)
        if ref is None:
            raise DeviceFault(code="device.face_verifier.bad_reference")
        return self._verify(ref, frames)

    def verify_id(self, id_number: str, frames: list[bytes]) -> FaceResult:
        from devices.face_verifier.protocol import IdNumberReference

        return self._verify(IdNumberReference(id_number), frames)

    def _verify(self, reference: Any, frames: list[bytes]) -> FaceResult:
        verifier = self.devices.drivers.get("face_verifier")
        if verifier is None:
            raise DeviceFault(code="device.absent")
        shots = [f for f in (_image(b) for b in frames) if f is not None]
        if not shots:
            raise DeviceFault(code="device.face_verifier.no_frames")
        try:
            d = verifier.verify(reference, shots, timeout_s=self.timeout_s)
        except DeviceError as exc:
            raise DeviceFault(code=exc.code) from exc
        return FaceResult(decision=d.decision.value, score=d.score, attestation=dict(d.attestation))


def _image(data: bytes) -> Any:
    import cv2
    import numpy as np

    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
