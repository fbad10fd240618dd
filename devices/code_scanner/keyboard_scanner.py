"""Driver ``keyboard``: keyboard-wedge scanners told apart from people by keystroke timing.

A wedge scanner "types" a whole code in a burst (typically 1–15 ms between keys) and ends it with
Enter; a person types at 80–300 ms a key, rarely under 35 ms several times in a row. The kiosk
feeds every key event (character, timestamp in seconds) to :meth:`WedgeDetector.feed` and a timer
calls :meth:`WedgeDetector.flush`; keys that turn out to be human typing are handed back in
``typed`` for the focused field, in order, so nothing the citizen typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.code_scanner._base import ScannerBase
from devices.code_scanner.lines import parse_line
from devices.code_scanner.protocol import ScannedCode

ENTER_KEYS = frozenset({"\r", "\n"})


@dataclass(frozen=True, slots=True)
class WedgeOutcome:
    """What one key (or a flush) resolved into: a scanned code and/or keys that were human typing."""

    code: ScannedCode | None = None
    typed: str = ""


NOTHING = WedgeOutcome()


class WedgeDetector:
    """Pure timing logic, no Qt and no threads: fed ``(char, t)``, decides scanner burst vs typing.

    While keys arrive less than ``max_gap_s`` apart they are held back as a possible burst. Enter
    (or a timeout via ``flush``) ends the burst: ``min_length`` or more keys whose gaps were all
    under ``max_gap_s`` make a code; anything else is released as typing.
    """

    def __init__(self, *, max_gap_s: float = 0.035, min_length: int = 4, end_on_timeout: bool = False) -> None:
        self.max_gap_s, self.min_length, self.end_on_timeout = max_gap_s, min_length, end_on_timeout
        self._held: list[str] = []
        self._last_t: float | None = None

    def feed(self, char: str, t: float) -> WedgeOutcome:
        """One key: a single character (``"\\r"``/``"\\n"`` for Enter) at time ``t`` seconds."""
        if len(char) != 1:
            return NOTHING
        code: ScannedCode | None = None
        typed = ""
        if self._held and self._last_t is not None and t - self._last_t > self.max_gap_s:
            resolved = self._resolve(ended_by_enter=False)
            if isinstance(resolved, ScannedCode):
                code = resolved
            else:
                typed += resolved
        if char in ENTER_KEYS:
            if self._held:
                resolved = self._resolve(ended_by_enter=True)
                if isinstance(resolved, ScannedCode):
                    code = resolved  # the scanner's Enter is swallowed with its burst
                else:
                    typed += resolved + char
            else:
                typed += char
            self._last_t = None
        else:
            self._held.append(char)
            self._last_t = t
        return WedgeOutcome(code=code, typed=typed) if code or typed else NOTHING

    def flush(self, now: float) -> WedgeOutcome:
        """Call from a timer: keys held longer than ``max_gap_s`` are resolved."""
        if not self._held or self._last_t is None or now - self._last_t <= self.max_gap_s:
            return NOTHING
        result = self._resolve(ended_by_enter=False)
        self._last_t = None
        if isinstance(result, ScannedCode):
            return WedgeOutcome(code=result)
        return WedgeOutcome(typed=result)

    def _resolve(self, *, ended_by_enter: bool) -> ScannedCode | str:
        held, self._held = "".join(self._held), []
        long_enough = len(held) >= self.min_length
        if long_enough and (ended_by_enter or self.end_on_timeout):
            code = parse_line(held.encode("utf-8"))
            if code is not None:
                return code
        return held


class KeyboardWedgeScanner(ScannerBase):
    """The device face of :class:`WedgeDetector`: ``code_scanned`` events on its worker thread.

    ``feed``/``flush`` are called from the UI thread and return the keys to pass on as typing.
    """

    driver_name = "keyboard"

    def __init__(self, *, debounce_s: float = 2.0, max_gap_s: float = 0.035, min_length: int = 4,
                 **_other_drivers_options: object) -> None:
        super().__init__(debounce_s=debounce_s)
        self.detector = WedgeDetector(max_gap_s=max_gap_s, min_length=min_length)
        self._open = False

    def open(self) -> None:
        self._worker.start()
        self._open = True
        self._set_ok()

    def close(self) -> None:
        self._open = False
        self._worker.stop()
        self._set_closed()

    def feed(self, char: str, t: float) -> str:
        """One key event; returns the characters that are human typing (to forward to the widget)."""
        return self._handle(self.detector.feed(char, t))

    def flush(self, now: float) -> str:
        return self._handle(self.detector.flush(now))

    def _handle(self, outcome: WedgeOutcome) -> str:
        if outcome.code is not None and self._open:
            code = outcome.code
            self._worker.submit(lambda: self._deliver(code))
        return outcome.typed
