"""Steps and the Flow base class: what a flow returns and what it may use.

A step is a :class:`View` (render this), a :class:`Work` (run this off the GUI thread, then call
back), :class:`Home` (the visit is over) or :class:`Goto` (continue in another flow).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from kiosk.flows.ports import (
    DocCameraPort,
    FacePort,
    HallPort,
    PortError,
    PrinterPort,
    TerminalPort,
    VoicePort,
)
from kiosk.flows.session import Session
from kiosk.i18n import pick

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class View:
    """A screen to render: ``screen`` id and plain values (personal ones already masked)."""

    screen: str
    data: Mapping[str, Any] = field(default_factory=dict)
    prompt: str = ""  # i18n key read aloud in elderly mode
    prompt_values: Mapping[str, Any] = field(default_factory=dict)  # its placeholders (the ticket number)


@dataclass(frozen=True, slots=True)
class Work:
    """Blocking work for a background thread; exactly one of the callbacks runs on the GUI thread."""

    run: Callable[[], Any]
    done: Callable[[Any], Step]
    failed: Callable[[PortError], Step]
    busy: View = View("busy")
    label: str = "work"  # for benchmarks and logs (never personal)


@dataclass(frozen=True, slots=True)
class Home:
    reason: str = "done"


@dataclass(frozen=True, slots=True)
class Goto:
    flow: str
    options: Mapping[str, Any] = field(default_factory=dict)


Step = View | Work | Home | Goto


class SubStep(Protocol):
    """A step a flow runs inside itself (the identify step); while active it sees touches and events first."""

    active: bool

    def handle(self, action: str, value: Any) -> Step | None: ...

    def event(self, kind: str, name: str, payload: Any) -> Step | None: ...


@dataclass
class Devices:
    """What the kiosk knows about its devices right now (True = usable)."""

    id_card: bool = True
    ss_card: bool = True
    code_scanner: bool = True
    camera: bool = True
    doc_camera: bool = True
    printer: bool = True
    voice: bool = True
    # a face verifier (人证比对) is configured: without one the face step only takes a photo for the
    # file (拍照留档) and never claims to verify anyone
    face_verifier: bool = False
    # the verifier is the provincial service: it holds everyone's photo, so a typed number plus a
    # matching face proves who someone is (a way to identify without a card)
    face_by_id: bool = False


@dataclass
class FlowContext:
    session: Session
    hall: HallPort
    terminal: TerminalPort
    printer: PrinterPort
    doc_camera: DocCameraPort
    voice: VoicePort
    devices: Devices = field(default_factory=Devices)
    face: FacePort | None = None  # the face verifier (人证比对), when one is configured
    timezone: str = "Asia/Shanghai"
    elderly: bool = False
    lang: str = "zh_CN"
    paper_mm: int = 80
    terminal_id: str = "K1"
    hall_zh: str = ""
    hall_en: str = ""
    fallback_category: str = ""
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(ZoneInfo("Asia/Shanghai")))

    def hall_name(self) -> str:
        return pick(self.lang, self.hall_zh, self.hall_en)

    def now(self) -> datetime:
        return self.clock()

    def online(self) -> bool:
        try:
            return bool(self.terminal.is_online())
        except PortError:
            return False


def message(key: str, *, actions: tuple[str, ...] = ("home",), tone: str = "info",
            lines: tuple[tuple[str, Mapping[str, Any]], ...] = (), **values: Any) -> View:
    """A one-message screen (explanations, faults) with the given buttons; ``lines`` are further
    sentences under the headline as (key, values), e.g. the limit behind a refusal."""
    return View("message", {"key": key, "values": values, "actions": actions, "tone": tone,
                            "lines": [(k, dict(v)) for k, v in lines]}, prompt=key)


class Flow:
    """One service flow. Subclasses implement ``start`` and ``on_<action>`` methods."""

    name = "flow"
    needs_server_reads = False  # True: without the server this flow cannot start

    def __init__(self, ctx: FlowContext, **options: Any) -> None:
        self.ctx = ctx
        self.options = options
        self.view: View = View("busy")
        self.sub: SubStep | None = None

    def start(self) -> Step:
        raise NotImplementedError

    def handle(self, action: str, value: Any = None) -> Step | None:
        """Dispatch a touch to ``on_<action>``; unknown actions are ignored (stale touches)."""
        if self.sub is not None and self.sub.active:
            step = self.sub.handle(action, value)
            if step is not None:
                return step
        method: Callable[[Any], Step | None] | None = getattr(self, f"on_{action}", None)
        if method is None:
            log.warning("flow %s: no handler for %s on %s", self.name, action, self.view.screen)
            return None
        return method(value)

    def event(self, kind: str, name: str, payload: Any) -> Step | None:
        """A device event arrived (already on the GUI thread); an active identify step takes it."""
        if self.sub is not None and self.sub.active:
            return self.sub.event(kind, name, payload)
        return None

    def print_then(self, document: Any, then: Callable[[bool], Step], *, alert: str = "printer.fault") -> Work:
        """Print ``document``; on a printer fault alert the staff and carry on with ``then(False)``."""

        def fault(exc: PortError) -> Step:
            reason = exc.code if exc.code.startswith("device.") else alert
            return Work(run=lambda: self.ctx.terminal.help_call(reason=reason, detail=document.kind),
                        done=lambda _r: then(False), failed=lambda _e: then(False),
                        busy=View("busy", {"key": "busy.printing"}), label="staff_alert")

        return Work(run=lambda: self.ctx.printer.print_document(document), done=lambda _r: then(True),
                    failed=fault, busy=View("busy", {"key": "busy.printing"}), label=f"print_{document.kind}")

    # shared buttons
    def on_home(self, _value: Any = None) -> Step:
        return Home()

    def failed(self, exc: PortError) -> Step:
        """Default failure screen: a calm message picked by error code, never the exception text."""
        log.warning("flow %s failed: %s", self.name, exc.code)
        return message(f"error.{exc.code}" if exc.code in KNOWN_ERRORS else "error.generic", tone="error")


KNOWN_ERRORS = frozenset({"kiosk.unavailable", "kiosk.not_found", "printer.fault", "device.fault"})
