"""What the calling display shows, as plain data: latest calls, history, waiting per category.

No Qt: the window renders a :class:`Board` and hands it events. ``apply`` returns the calls to
announce (a recall is announced again; a duplicate event after a reconnect is not).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

from config.privacy import mask_name


@dataclass(frozen=True, slots=True)
class CallEntry:
    """One call on the board. ``name`` is already masked (张*) or empty."""

    number: str
    window: int
    category: str
    at: float
    recall: bool = False
    call_count: int = 1
    ticket_id: int | None = None
    name: str = ""

    @property
    def key(self) -> tuple[int | None, str, int, int]:
        return (self.ticket_id, self.number, self.window, self.call_count)


@dataclass(frozen=True, slots=True)
class CategoryLine:
    code: str
    name: str
    waiting: int
    estimated_wait_s: int = 0


@dataclass
class Board:
    """``latest`` calls shown large (newest first), ``history`` earlier calls, per-category counts."""

    latest_size: int = 4
    history_size: int = 10
    blink_s: float = 6.0
    show_names: bool = False
    latest: list[CallEntry] = field(default_factory=list)
    history: list[CallEntry] = field(default_factory=list)
    categories: dict[str, CategoryLine] = field(default_factory=dict)
    online: bool = False
    # 请…准备: the numbers the open windows would call next (the server's pick), at most ``ready_size``.
    ready: list[str] = field(default_factory=list)
    ready_size: int = 5
    _seen: deque[tuple[int | None, str, int, int]] = field(default_factory=lambda: deque(maxlen=200))

    def apply(self, event: dict[str, Any], *, now: float) -> list[CallEntry]:
        """Take one server event; returns the calls to announce (possibly none)."""
        kind = event.get("type")
        data = event.get("data") or {}
        if not isinstance(data, dict):
            return []
        if kind == "ticket.called":
            entry = self._call_entry(data, now)
            return [] if entry is None else self._add_call(entry)
        if kind == "queue.snapshot":
            self._snapshot(data)
        elif kind == "ticket.issued":
            self._bump(str(data.get("category", "")), +1)
        elif kind in ("ticket.transferred", "ticket.reinstated"):
            self._bump(str(data.get("category", "")), +1)
        return []

    def set_categories(self, rows: list[dict[str, Any]]) -> None:
        """From ``GET /categories`` at start-up and after each reconnect."""
        for row in rows:
            code = str(row.get("code", ""))
            if code:
                self.categories[code] = CategoryLine(code, str(row.get("name", code)), int(row.get("waiting", 0)),
                                                     int(row.get("estimated_wait_s", 0) or 0))

    def newest(self) -> CallEntry | None:
        return self.latest[0] if self.latest else None

    def blinking(self, now: float) -> bool:
        """The newest call blinks for ``blink_s`` after it was made (or made again)."""
        top = self.newest()
        return top is not None and now - top.at < self.blink_s

    def category_lines(self) -> list[CategoryLine]:
        return [self.categories[c] for c in sorted(self.categories)]

    # -- internals -------------------------------------------------------------------------------
    def _call_entry(self, data: dict[str, Any], now: float) -> CallEntry | None:
        number, window = str(data.get("number", "")).strip(), data.get("window")
        if window is None:
            return None
        try:
            window_no = int(window)
        except (TypeError, ValueError):
            return None
        if not number:
            return None
        raw_name = data.get("name")
        name = mask_name(str(raw_name)) if self.show_names and raw_name else ""
        ticket_id = data.get("id")
        return CallEntry(number=number, window=window_no, category=str(data.get("category", number[:1])), at=now,
                         recall=bool(data.get("recall")), call_count=int(data.get("call_count") or 1),
                         ticket_id=ticket_id if isinstance(ticket_id, int) else None, name=name)

    def _add_call(self, entry: CallEntry) -> list[CallEntry]:
        if entry.key in self._seen:
            return []
        self._seen.append(entry.key)
        # A ticket appears once: a recall moves it back to the top; the window's previous call is done.
        kept = [e for e in self.latest if e.number != entry.number and e.window != entry.window]
        pushed_down = [e for e in self.latest if e not in kept and e.number != entry.number]
        self.latest = [entry, *kept]
        spill = self.latest[self.latest_size:]
        self.latest = self.latest[: self.latest_size]
        older = [h for h in self.history if h.number != entry.number]
        self.history = [*pushed_down, *spill, *older][: self.history_size]
        if not entry.recall:
            self._bump(entry.category, -1)
        self.ready = [n for n in self.ready if n != entry.number]  # called: no longer "get ready"
        return [entry]

    def ready_text(self) -> str:
        """``请 A005、B012 准备`` or "" when nobody is next."""
        return f"请 {'、'.join(self.ready)} 准备" if self.ready else ""

    def _snapshot(self, data: dict[str, Any]) -> None:
        ready: list[str] = []
        for w in data.get("windows") or []:
            nxt = w.get("next_number") if isinstance(w, dict) else None
            if isinstance(nxt, str) and nxt.strip() and nxt not in ready:
                ready.append(nxt.strip()[:16])
        if "windows" in data:
            self.ready = ready[: self.ready_size]

        for row in data.get("categories") or []:
            if isinstance(row, dict) and row.get("code"):
                code = str(row["code"])
                old = self.categories.get(code)
                self.categories[code] = CategoryLine(code, str(row.get("name") or (old.name if old else code)),
                                                     int(row.get("waiting", 0)), int(row.get("estimated_wait_s", 0)))

    def _bump(self, code: str, delta: int) -> None:
        line = self.categories.get(code)
        if line is not None:
            self.categories[code] = replace(line, waiting=max(0, line.waiting + delta))



def notice_runs(offset: float, *, text_w: float, band_w: float, gap: float) -> list[float]:
    """Left edges of the copies of a scrolling notice so the band is never empty: copies follow each other
    ``gap`` apart (``text_w + gap`` a period), from off the left edge to past the right one."""
    period = max(1.0, text_w + gap)
    first = -(offset % period)
    runs = []
    x = first
    while x < band_w:
        runs.append(x)
        x += period
    return runs
