"""16-bit mono PCM: read/write WAV, silence, concatenation, resampling, and playback with aplay."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from devices.voice.protocol import VoiceError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pcm:
    rate: int
    data: bytes = field(repr=False)  # little-endian int16 samples

    @property
    def frames(self) -> int:
        return len(self.data) // 2

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate

    def __add__(self, other: Pcm) -> Pcm:
        if other.rate != self.rate:
            raise VoiceError(f"cannot join audio at {self.rate} Hz and {other.rate} Hz")
        return Pcm(self.rate, self.data + other.data)


def silence(rate: int, seconds: float) -> Pcm:
    return Pcm(rate, b"\x00\x00" * round(rate * seconds))


def scale(pcm: Pcm, volume: float) -> Pcm:
    """``pcm`` at ``volume`` (0..1 of full level; 1 returns it unchanged), clipped to int16."""
    if volume >= 1.0:
        return pcm
    samples = np.frombuffer(pcm.data, dtype="<i2").astype(np.float32) * max(volume, 0.0)
    return Pcm(pcm.rate, np.clip(samples, -32768, 32767).astype("<i2").tobytes())


def join(parts: list[Pcm], *, gap: Pcm | None = None) -> Pcm:
    """Concatenate, with ``gap`` between parts (not before the first or after the last)."""
    if not parts:
        raise VoiceError("nothing to join")
    out = parts[0]
    for part in parts[1:]:
        out = out + gap + part if gap is not None else out + part
    return out


def read_wav(path: Path) -> Pcm:
    """Read a 16-bit mono WAV. Raises VoiceError for other formats or unreadable files."""
    try:
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise VoiceError(f"{path.name}: expected 16-bit mono WAV")
            return Pcm(w.getframerate(), w.readframes(w.getnframes()))
    except (OSError, EOFError, wave.Error) as exc:
        raise VoiceError(f"cannot read WAV {path.name}: {exc}") from exc


def write_wav(path: Path, pcm: Pcm) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(pcm.rate)
        w.writeframes(pcm.data)
    return path


def resample(pcm: Pcm, rate: int) -> Pcm:
    """Linear-interpolation resampling (speech from espeak-ng is band-limited enough for this)."""
    if pcm.rate == rate:
        return pcm
    if pcm.frames == 0:
        return Pcm(rate, b"")
    src = np.frombuffer(pcm.data, dtype="<i2").astype(np.float64)
    n = round(len(src) * rate / pcm.rate)
    out = np.interp(np.arange(n) * pcm.rate / rate, np.arange(len(src)), src)
    return Pcm(rate, np.clip(np.round(out), -32768, 32767).astype("<i2").tobytes())


def trim(pcm: Pcm, *, threshold: int = 300, keep_s: float = 0.01) -> Pcm:
    """Cut leading and trailing silence (espeak-ng pads every utterance)."""
    samples = np.frombuffer(pcm.data, dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if loud.size == 0:
        return Pcm(pcm.rate, b"")
    keep = round(pcm.rate * keep_s)
    start, end = max(0, int(loud[0]) - keep), min(len(samples), int(loud[-1]) + 1 + keep)
    return Pcm(pcm.rate, samples[start:end].tobytes())


def sound_device_present() -> bool:
    return Path("/dev/snd").is_dir() and any(Path("/dev/snd").iterdir())


def player_command() -> list[str] | None:
    """``aplay -q`` (ALSA) or sox's ``play -q``, if installed and a sound card exists."""
    if not sound_device_present():
        return None
    if shutil.which("aplay"):
        return ["aplay", "-q"]
    if shutil.which("play"):
        return ["play", "-q"]
    return None


def play(path: Path, *, duration_s: float) -> bool:
    """Play and wait until done (so announcements never overlap). False when there is no player."""
    command = player_command()
    if command is None:
        return False
    try:
        subprocess.run([*command, os.fspath(path)], check=True, timeout=duration_s + 10,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (OSError, subprocess.SubprocessError) as exc:
        raise VoiceError(f"playback failed ({exc.__class__.__name__})") from exc
    return True
