"""``say_json`` behind the technician's ``devices say TEXT``: announce once, wait, report as JSON."""

from __future__ import annotations

import shutil
import tempfile
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from devices import registry
from devices.errors import DeviceError, DeviceTimeout
from devices.voice.protocol import Voice
from devices.voice.settings import VoiceSettings


def say_json(voice: Voice | VoiceSettings, text: str, *, timeout_s: float = 120.0) -> dict[str, Any]:
    """Announce ``text`` through an open Voice, or through the driver ``VoiceSettings`` configure
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
            done = device.announce(text).result(timeout=timeout_s)
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
    return result
