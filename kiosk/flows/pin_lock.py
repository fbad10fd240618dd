"""The technician PIN's lockout: a few free tries, then a lock that doubles with every further miss.

Pure logic (no Qt): ``free_tries`` wrong PINs in a row lock the screen for ``first_lock_s``; each miss
after a lock doubles it, up to ``max_lock_s`` (3 tries, 30 s, 60 s … 1 h). A right PIN clears the
count. The state (misses in a row, locked until — wall-clock seconds, so it outlives a reboot) lives
in a small JSON file next to the outbox (:class:`LockFile`); an unreadable file counts as a full set
of misses (locked again), never as a fresh start. Every attempt comes back as an :class:`Attempt`
for the audit log and the dashboard alert; the PIN typed is never kept.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

log = logging.getLogger(__name__)

Outcome = Literal["ok", "wrong", "locked", "refused"]


@dataclass(frozen=True)
class LockPolicy:
    free_tries: int = 3
    first_lock_s: float = 30.0
    max_lock_s: float = 3600.0

    def lock_for(self, misses: int) -> float:
        """Seconds locked after ``misses`` wrong PINs in a row (0 while still within the free tries)."""
        if misses < self.free_tries:
            return 0.0
        return float(min(self.first_lock_s * 2 ** min(misses - self.free_tries, 32), self.max_lock_s))


@dataclass(frozen=True)
class LockState:
    misses: int = 0
    locked_until: float = 0.0
    damaged: bool = False  # the stored state could not be read: lock as after a full set of misses


@dataclass(frozen=True)
class Attempt:
    """One PIN attempt: ``ok`` (right PIN), ``wrong`` (counted; maybe now locked), ``locked`` (typed
    while locked: not checked, not counted), ``refused`` (no PIN configured)."""

    outcome: Outcome
    misses: int
    wait_s: float  # seconds until the next attempt is checked (0 = now)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class LockStore(Protocol):
    def load(self) -> LockState: ...

    def save(self, state: LockState) -> None: ...


class LockFile:
    """:class:`LockState` as JSON in ``path``, replaced atomically (write, fsync, rename)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._unsaved: LockState | None = None  # kept here while the disk refuses the file (disk full)

    def load(self) -> LockState:
        if self._unsaved is not None:
            return self._unsaved
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            return LockState(misses=max(0, int(doc["misses"])), locked_until=float(doc["locked_until"]))
        except FileNotFoundError:
            return LockState()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # A damaged file must not hand out fresh tries: count it as a full set of misses.
            log.warning("technician lock file %s unreadable (%s): locked again", self.path, exc.__class__.__name__)
            return LockState(damaged=True)

    def save(self, state: LockState) -> None:
        """Write ``state``; when the disk refuses (full, read-only) it is kept in memory and the lock
        goes on working until the kiosk restarts — a full disk must not open the technician screen."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({"misses": state.misses, "locked_until": state.locked_until}, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            log.error("technician lock file %s not written (%s): kept in memory", self.path,
                      exc.__class__.__name__)
            self._unsaved = state
            return
        self._unsaved = None


class MemoryStore:
    """A :class:`LockStore` kept in memory (screenshots, a kiosk without a data directory)."""

    def __init__(self) -> None:
        self.state = LockState()

    def load(self) -> LockState:
        return self.state

    def save(self, state: LockState) -> None:
        self.state = state


class PinLock:
    """Checks technician PINs against ``pin`` under :class:`LockPolicy`, state in ``store``."""

    def __init__(self, *, pin: str, store: LockStore, policy: LockPolicy | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.pin, self.store, self.policy, self.clock = pin, store, policy or LockPolicy(), clock

    def wait_s(self) -> float:
        """Seconds until a PIN is checked again (0 = now). A lock that reaches further ahead than the
        longest lock (the clock was set back) is cut to the longest lock."""
        state, now = self.store.load(), self.clock()
        if state.damaged:
            state = LockState(self.policy.free_tries, now + self.policy.first_lock_s)
            self.store.save(state)
        left = state.locked_until - now
        if left > self.policy.max_lock_s:
            self.store.save(LockState(state.misses, now + self.policy.max_lock_s))
            left = self.policy.max_lock_s
        return max(0.0, left)

    def attempt(self, value: str) -> Attempt:
        """Check ``value``; the state is saved before the answer is given."""
        if not self.pin:
            return Attempt("refused", 0, 0.0)
        wait = self.wait_s()
        state = self.store.load()
        if wait > 0:
            return Attempt("locked", state.misses, wait)
        if hmac.compare_digest(value.encode(), self.pin.encode()):
            self.store.save(LockState())
            return Attempt("ok", 0, 0.0)
        misses = state.misses + 1
        lock = self.policy.lock_for(misses)
        self.store.save(LockState(misses, self.clock() + lock if lock else 0.0))
        return Attempt("wrong", misses, lock)
