"""The voice kind's contract: calls and texts in, queued announcements out, never overlapping.

Events (``DeviceEvent.name``): ``announced`` (payload: the Announcement, after it was played or
written), ``status_changed`` (payload: DeviceStatus).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from devices.errors import DeviceError
from devices.status import DeviceStatus
from devices.worker import DeviceEvent


class VoiceError(DeviceError):
    """An announcement could not be made."""

    code = "device.voice"


class BadAnnouncement(VoiceError):
    """The call or text cannot be spoken (empty, bad ticket number, word without a clip)."""

    code = "device.voice.bad_announcement"


@dataclass(frozen=True, slots=True)
class Call:
    """A call to a window. ``recall`` adds 再次呼叫 ("again") in front."""

    number: str
    window: int | str
    recall: bool = False


@dataclass(frozen=True, slots=True)
class Utterance:
    """One announcement said once: the text for screens/logs and the tokens to speak."""

    text: str
    tokens: tuple[str, ...]
    english: str = ""
    en_tokens: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Announcement:
    """One finished announcement: the WAV that was written (and played when ``played``)."""

    id: int
    text: str
    repeat: int
    file: str
    duration_s: float
    started_at: float  # time.monotonic() when playback (or writing) began
    finished_at: float
    played: bool
    driver: str
    volume: int = 10  # the level it was said at, 1..10 (QueuedVoice.set_volume)

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text, "repeat": self.repeat, "file": self.file,
                "duration_s": round(self.duration_s, 3), "played": self.played, "driver": self.driver,
                "volume": self.volume}


@runtime_checkable
class Voice(Protocol):
    """Announcements queue on the voice's worker thread and play one after another."""

    def open(self) -> None: ...

    def close(self) -> None: ...

    def status(self) -> DeviceStatus: ...

    def utterance(self, what: str | Call) -> Utterance:
        """What would be said (text and tokens). Raises BadAnnouncement."""
        ...

    def announce(self, what: str | Call, *, repeat: int | None = None) -> Future[Announcement]:
        """Queue a call or a text; returns at once. Raises BadAnnouncement for what cannot be said."""
        ...

    def subscribe(self, listener: Callable[[DeviceEvent], None]) -> Callable[[], None]: ...
