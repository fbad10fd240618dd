"""Report a code once, not once per frame or per repeated trigger pull."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from devices.code_scanner.protocol import ScannedCode


class Debouncer:
    """``accept(code)`` is True the first time and again only after ``window_s`` without seeing it.

    Every sighting restarts the window, so a code held in front of the camera is reported once,
    however long it stays there; taking it away for ``window_s`` lets the same code count again.
    """

    def __init__(self, window_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._last_seen: dict[ScannedCode, float] = {}
        self._lock = threading.Lock()

    def accept(self, code: ScannedCode) -> bool:
        now = self._clock()
        with self._lock:
            last = self._last_seen.get(code)
            self._last_seen[code] = now
            if len(self._last_seen) > 256:  # forget stale codes so memory stays bounded
                cutoff = now - self.window_s
                self._last_seen = {c: t for c, t in self._last_seen.items() if t >= cutoff}
            return last is None or now - last >= self.window_s
