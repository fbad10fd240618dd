"""``say_json`` behind the technician's ``devices say TEXT`` and ``devices say --call NUMBER --window N``:
announce once, wait, report as JSON. A call is the same :class:`Call` the calling display announces."""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from devices import registry
from devices.errors import DeviceError, DeviceTimeout
from devices.voice.phrases import call_utterance
from devices.voice.protocol import BadAnnouncement, Call, Voice
from devices.voice.settings import VoiceSettings


def call_from_args(number: str | None, window: str | int | None, *, recall: bool = False) -> Call:
    """The call ``--call NUMBER --window N [--recall]`` names, checked before any device opens.
    Raises DeviceError (code device.voice.usage) naming what is wrong."""
    if not number or window is None or not str(window).strip():
        raise DeviceError("--call NUMBER needs --window N (and --window needs --call)", code="device.voice.usage")
    call = Call(number.strip().upper(), str(window).strip(), recall=recall)
    try:
        call_utterance(call)
    except BadAnnouncement as exc:
        raise DeviceError(f"--call {number!r} --window {window!r}: {exc}", code="device.voice.usage") from exc
    return call


def say_json(voice: Voice | VoiceSettings, text: str | Call, *, repeat: int | None = None,
             timeout_s: float = 120.0) -> dict[str, Any]:
    """Announce ``text`` (or a call, ``repeat`` times; default the voice's own) through an open Voice,
    or through the driver ``VoiceSettings`` configure
    (opened and closed here; with no ``output_dir`` the WAV goes to a fresh temporary directory
    that is kept so the technician can listen to it). Raises BadAnnouncement, DeviceError."""
    if isinstance(voice, VoiceSettings) and not voice.enabled:
        raise DeviceError("devices.voice.enabled is false on this terminal", code="device.disabled")
    scratch: Path | None = None
    device: Voice | None = None if isinstance(voice, VoiceSettings) else voice
    try:
        if isinstance(voice, VoiceSettings):
            options = voice.options()
            if not options.get("output_dir"):
                scratch = Path(tempfile.mkdtemp(prefix="hall-say-"))
                options["output_dir"] = str(scratch)
            device = registry.open_device("voice", voice.driver, **options)
            device.open()
        assert device is not None
        utterance = device.utterance(text)
        try:
            done = device.announce(text, repeat=repeat).result(timeout=timeout_s)
        except FutureTimeout as exc:
            raise DeviceTimeout("the announcement did not finish in time") from exc
        status = device.status()
    except BaseException:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        raise
    finally:
        if isinstance(voice, VoiceSettings) and device is not None:
            device.close()
    result: dict[str, Any] = {**done.to_json(), "status": status.to_json()}
    result["spoken"] = " ".join(utterance.tokens)
    if isinstance(text, Call):
        result["call"] = {"number": text.number, "window": text.window, "recall": text.recall}
    return result
