"""Calls become announcements one at a time: a plain queue, and a pump that feeds the voice device.

The voice device already plays one announcement after another; this queue sits in front of it
so the display knows what is still to be said. Under a backlog the queue keeps the latest call per
window (a window that called again before its first call was said is announced once, with the newer
number); a hall with more windows waiting than ``max_pending`` loses its oldest first call, never a
recall. Every announcement that is not made — merged, dropped or refused by the voice — is counted
and logged with its number and window (ticket numbers are not personal data).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from devices.errors import DeviceError
from devices.voice.protocol import Call, Voice
from hall.display.board import CallEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Job:
    call: Call
    repeat: int


def call_of(entry: CallEntry) -> Call:
    """The call the display announces for a board entry (``devices say --call`` builds the same)."""
    return Call(entry.number, entry.window, recall=entry.recall)


class AnnouncementQueue:
    """Pure bookkeeping: ``push`` calls, ``take`` the next job when idle, ``finished`` when it was said.

    Counters: ``merged`` (superseded by a later call of the same window), ``dropped`` (backlog over
    ``max_pending``), ``failed`` (the voice refused or failed); ``skipped`` is their sum."""

    def __init__(self, *, repeat: int = 2, max_pending: int = 12) -> None:
        if not 1 <= repeat <= 5:
            raise ValueError("repeat must be 1..5")
        self.repeat = repeat
        self.max_pending = max_pending
        self.pending: deque[Job] = deque()
        self.busy = False
        self.merged = 0
        self.dropped = 0
        self.failed = 0

    @property
    def skipped(self) -> int:
        return self.merged + self.dropped + self.failed

    def push(self, entry: CallEntry) -> None:
        call = call_of(entry)
        same = next((i for i, j in enumerate(self.pending) if str(j.call.window) == str(call.window)), None)
        if same is not None:
            old = self.pending[same].call
            if old.number == call.number and not old.recall:
                call = Call(call.number, call.window, recall=False)  # its first call was never said
            # The window's place in the line is kept; only its latest call is said.
            self.pending[same] = Job(call, self.repeat)
            self.merged += 1
            self._skip(old, f"superseded by {call.number} at the same window")
            return
        self.pending.append(Job(call, self.repeat))
        while len(self.pending) > self.max_pending:
            # A hall that called faster than the speaker can talk: the oldest first call goes.
            victim = next((j for j in self.pending if not j.call.recall), self.pending[0])
            self.pending.remove(victim)
            self.dropped += 1
            self._skip(victim.call, f"backlog over {self.max_pending} windows")

    def take(self) -> Job | None:
        if self.busy or not self.pending:
            return None
        self.busy = True
        return self.pending.popleft()

    def finished(self, *, ok: bool = True) -> None:
        self.busy = False
        self.failed += not ok

    def counts(self) -> dict[str, int]:
        return {"pending": len(self.pending), "merged": self.merged, "dropped": self.dropped,
                "failed": self.failed, "skipped": self.skipped}

    def _skip(self, call: Call, why: str) -> None:
        log.warning("announcement skipped: %s at window %s (%s); skipped so far: %d",
                    call.number, call.window, why, self.skipped)


class Announcer:
    """Feeds an :class:`AnnouncementQueue` to a :class:`Voice`; thread-safe, callbacks on voice thread."""

    def __init__(self, voice: Voice, *, repeat: int = 2,
                 on_done: Callable[[Job, Any, BaseException | None], None] | None = None) -> None:
        self.voice = voice
        self.queue = AnnouncementQueue(repeat=repeat)
        self._lock = threading.Lock()
        self._on_done = on_done

    def push(self, entry: CallEntry) -> None:
        with self._lock:
            self.queue.push(entry)
        self._pump()

    def counts(self) -> dict[str, int]:
        """What is still to be said and what was not said (merged, dropped, failed, skipped)."""
        with self._lock:
            return self.queue.counts()

    def _pump(self) -> None:
        with self._lock:
            job = self.queue.take()
        if job is None:
            return
        try:
            future = self.voice.announce(job.call, repeat=job.repeat)
        except DeviceError as exc:
            log.warning("announcement skipped: %s at window %s refused by the voice (%s)", job.call.number,
                        job.call.window, exc.code)
            self._done(job, None, exc)
            return
        future.add_done_callback(lambda f: self._after(job, f))

    def _after(self, job: Job, future: Future[Any]) -> None:
        exc = future.exception()
        if exc is not None:
            log.warning("announcement skipped: %s at window %s failed (%s)", job.call.number, job.call.window,
                        getattr(exc, "code", exc.__class__.__name__))
        self._done(job, None if exc else future.result(), exc)

    def _done(self, job: Job, result: Any, exc: BaseException | None) -> None:
        with self._lock:
            self.queue.finished(ok=exc is None)
        if self._on_done is not None:
            try:
                self._on_done(job, result, exc)
            except Exception:  # a listener must not stop the queue
                log.exception("announcement listener failed")
        self._pump()
