"""Everything the kiosk talks to, built once after the home screen is painted.

Devices, the hall client, the offline cache facade and the flow machine are wired here; tests and
the demo may hand in ready-made twins (``drivers``) or a terminal facade.
"""

from __future__ import annotations

import collections
import logging
import time
from pathlib import Path
from typing import Any

from config.privacy import redact
from hall.qtkit.bridge import DeviceHub
from hall.qtkit.ops import Runner
from kiosk.adapters.devices import (
    KINDS,
    DocCameraPortAdapter,
    FaceVerifierPortAdapter,
    KioskDevices,
    PrinterPortAdapter,
    VoicePortAdapter,
)
from kiosk.adapters.hall import HallAdapter
from kiosk.adapters.terminal import TerminalAdapter
from kiosk.controller import KioskController
from kiosk.face_feed import FaceFeed
from kiosk.flows.base import FlowContext
from kiosk.flows.machine import KioskMachine
from kiosk.flows.session import Session

log = logging.getLogger(__name__)


class RecentErrors(logging.Handler):
    """The last warnings and errors, redacted, for the technician screen (no personal data)."""

    def __init__(self, size: int = 30) -> None:
        super().__init__(level=logging.WARNING)
        self.lines: collections.deque[str] = collections.deque(maxlen=size)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = redact(record.getMessage())
        except (TypeError, ValueError):
            msg = redact(str(record.msg))
        self.lines.append(f"{time.strftime('%H:%M:%S')} {record.levelname} {record.name}: {msg}"[:200])


class KioskServices:
    def __init__(self, settings: Any, *, hub: DeviceHub, drivers: dict[str, Any] | None = None,
                 terminal: Any = None, hall_client: Any = None) -> None:
        self.settings = settings
        self.hub = hub
        # handed-in drivers (twins in tests) are the whole device set: nothing else opens from config
        self.devices = KioskDevices(None if drivers is not None else settings.devices, drivers=drivers,
                                    listener=hub.listener, enabled=enabled_kinds(settings))
        self.printer = PrinterPortAdapter(self.devices)
        self.doc_camera = DocCameraPortAdapter(self.devices)
        self.voice = VoicePortAdapter(self.devices)
        self.face = FaceFeed(self.devices)
        self.face_verifier = FaceVerifierPortAdapter(self.devices)
        self.recent_events: collections.deque[str] = collections.deque(maxlen=30)
        self.errors = RecentErrors()
        logging.getLogger().addHandler(self.errors)
        if terminal is None:
            from offline_cache.factory import open_terminal

            terminal = open_terminal(settings)
        self.terminal_raw = terminal
        self.terminal = TerminalAdapter(terminal, timezone=settings.hall.timezone, terminal_id=settings.terminal.id,
                                        base_url=settings.hall.public_url)
        if hall_client is None:
            from hall.client.http import HallClient
            from offline_cache.factory import read_token

            hall_client = HallClient(settings.hall.server_url, read_token(settings))
        # lines, hours and catalogue are kept in the outbox database for a start during an outage
        outbox = getattr(terminal, "outbox", None)
        reference = outbox if callable(getattr(outbox, "keep_reference", None)) else None
        cache_file = None if reference is not None else Path(settings.cache.db_path).with_name("kiosk-cache.json")
        self.hall = HallAdapter(hall_client, timezone=settings.hall.timezone, cache_file=cache_file,
                                reference=reference)
        if hasattr(terminal, "add_listener"):
            self._unlisten = terminal.add_listener(hub.on_state)

    def note_event(self, kind: str, name: str, payload: Any) -> None:
        """Device status events for the technician screen; payloads are never kept."""
        self.recent_events.append(f"{time.strftime('%H:%M:%S')} {kind} {name}")

    @property
    def version(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("hall-terminal-suite")[:32]
        except PackageNotFoundError:
            return "dev"

    def heartbeat(self, devices: list[dict[str, str]]) -> bool:
        """Tell the dashboard this kiosk is alive, with its devices, version and outbox backlog
        (blocking: call off the GUI thread). Never raises: False when it did not arrive."""
        beat = getattr(self.terminal_raw, "heartbeat", None)
        if not callable(beat):
            return False
        try:
            return bool(beat(devices=devices, version=self.version))
        except Exception as exc:  # noqa: BLE001 (a missed heartbeat is the next one's job)
            log.warning("heartbeat failed: %s", exc.__class__.__name__)
            return False

    def backlog(self) -> dict[str, Any]:
        try:
            stats = self.terminal_raw.backlog()
        except Exception as exc:  # noqa: BLE001 (the technician sees the code, the kiosk carries on)
            return {"error": getattr(exc, "code", exc.__class__.__name__)}
        public = getattr(stats, "public", None)
        return dict(public()) if callable(public) else {"backlog": getattr(stats, "backlog", "?")}

    def dead_records(self) -> list[str]:
        """Dead outbox records for the technician: kind, printed number/code, attempts, the server's
        error code; never a body."""
        outbox = getattr(self.terminal_raw, "outbox", None)
        if outbox is None:
            return []
        from offline_cache.states import State

        try:
            dead = outbox.records(state=State.DEAD, limit=50)
        except Exception as exc:  # noqa: BLE001 (the technician sees the code, the kiosk carries on)
            return [getattr(exc, "code", exc.__class__.__name__)]
        return [f"{r.kind} {r.local_ref or r.server_ref or r.key[:8]} ×{r.attempts} {r.last_error or ''}".strip()
                for r in dead]

    def held_records(self) -> list[str]:
        """Records the server refused with a clash only a person can settle (an offline number taken
        by another ticket; ``cache status`` "held"): kind, printed number, attempts, code; never a body."""
        held = getattr(getattr(self.terminal_raw, "outbox", None), "held", None)
        if not callable(held):
            return []
        try:
            rows = held()
        except Exception as exc:  # noqa: BLE001 (the technician sees the code, the kiosk carries on)
            return [getattr(exc, "code", exc.__class__.__name__)]
        return [f"{r['kind']} {r['local_ref'] or r['key'][:8]} ×{r['attempts']} {r['last_error'] or ''}".strip()
                for r in rows]

    def disk_fault(self) -> str | None:
        """The outbox's full-disk fault for the technician (as in the heartbeat and ``cache status``):
        its error code while it cannot write, ``cache.low_space`` while the reserve is given back and
        new records are refused; None when the disk has room."""
        fault = getattr(self.terminal_raw, "storage_fault", None)
        if fault:
            return str(fault)
        disk = getattr(getattr(self.terminal_raw, "outbox", None), "disk", None)
        try:
            low = bool(callable(disk) and disk().get("low_space"))
        except Exception as exc:  # noqa: BLE001 (the technician sees the code, the kiosk carries on)
            return str(getattr(exc, "code", exc.__class__.__name__))
        return "cache.low_space" if low else None

    def retry_dead(self) -> int:
        """Every dead record back to pending (the cause was fixed server-side); the worker sends them
        under their own keys. Returns how many moved."""
        moved = int(self.terminal_raw.outbox.retry_dead())
        kick = getattr(getattr(self.terminal_raw, "worker", None), "kick", None)
        if callable(kick):
            kick()
        return moved

    def export_dead(self, passphrase: str | None) -> dict[str, Any]:
        """Dead records sealed into a bundle (offline_cache.export) for the back office, in
        ``$HALL_EXPORT_DIR`` (a USB stick) or next to the outbox. The passphrase typed on the screen,
        else ``$HALL_EXPORT_PASSPHRASE``. Raises PassphraseMissing, BundleError, StorageError."""
        import os
        from datetime import UTC, datetime

        from offline_cache.errors import BundleError
        from offline_cache.export import export_records, read_passphrase
        from offline_cache.states import State

        secret = passphrase or read_passphrase()
        folder = Path(os.environ.get("HALL_EXPORT_DIR") or Path(self.settings.cache.db_path).parent / "exports")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = folder / f"dead-{self.settings.terminal.id}-{stamp}.bundle"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BundleError(f"cannot create the export folder ({exc.__class__.__name__})") from exc
        summary = export_records(self.terminal_raw.outbox, path, passphrase=secret, states=(State.DEAD,))
        log.info("technician exported %d dead records", len(summary.records))
        return {"count": len(summary.records), "path": str(path)}

    def close(self) -> None:
        self.face.stop()
        self.devices.close_all()
        logging.getLogger().removeHandler(self.errors)
        close = getattr(self.terminal_raw, "close", None)
        if callable(close):
            close()


def enabled_kinds(settings: Any) -> frozenset[str] | None:
    """The device kinds the settings switch on (None: no device settings, every kind counts)."""
    devices = getattr(settings, "devices", None)
    if devices is None:
        return None
    return frozenset(k for k in KINDS if bool(getattr(getattr(devices, k, None), "enabled", True)))


def heartbeat_devices(statuses: dict[str, Any]) -> list[dict[str, str]]:
    """Device statuses as the server's heartbeat takes them (its field limits, no time stamps)."""
    return [st.heartbeat_row() for st in statuses.values()]


def build_machine(settings: Any, services: KioskServices) -> KioskMachine:
    k = settings.kiosk
    ctx = FlowContext(session=Session(), hall=services.hall, terminal=services.terminal, printer=services.printer,
                      doc_camera=services.doc_camera, voice=services.voice,
                      face=getattr(services, "face_verifier", None), timezone=settings.hall.timezone,
                      elderly=k.elderly_mode, lang=k.language, paper_mm=settings.devices.printer.paper_mm,
                      terminal_id=settings.terminal.id, hall_zh=settings.hall.name_zh, hall_en=settings.hall.name_en,
                      fallback_category=k.fallback_category)
    return KioskMachine(ctx, idle_timeout_s=k.idle_timeout_s, idle_countdown_s=k.idle_countdown_s,
                        default_lang=k.language, default_elderly=k.elderly_mode)


def start_services(window: Any, settings: Any, *, drivers: dict[str, Any] | None = None, terminal: Any = None,
                   hall_client: Any = None, open_devices: bool = True) -> KioskController:
    """Wire the running window to everything; devices open on a background thread."""
    hub = DeviceHub()
    runner = Runner(workers=4, name="kiosk-work")
    services = KioskServices(settings, hub=hub, drivers=drivers, terminal=terminal, hall_client=hall_client)
    window.flow.services = services
    machine = build_machine(settings, services)
    controller = KioskController(window, machine, runner=runner, hub=hub, services=services)
    if open_devices:
        runner.submit(services.devices.open_all, lambda _r: controller.devices_ready(),
                      lambda exc: log.error("devices failed to open: %s", exc.__class__.__name__))
    else:
        controller.devices_ready()
    controller.set_online(services.terminal.is_online())
    controller.refresh_home()
    return controller
