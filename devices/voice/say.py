"""``say_json`` behind the technician's ``devices say TEXT``: announce once, wait, report as JSON."""

from __future__ import annotations

import tempfile
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from devices import registry
from devices.errors import DeviceError, DeviceTimeout
from devices.voice.protocol import Voice
from devices.voice.settings import VoiceSettings


def say_json(voice: Voice | VoiceSettings, text: str, *, timeout_s: float = 120.0) -> dict[str, Any]:
    """Announce ``text`` through an open Voice, or through the driver ``VoiceSettings`` configure
    (opened and closed here; with no ``output_dir`` the WAV goes to a fresh temporary directory
    that is kept so the technician can listen to it). Raises BadAnnouncement, DeviceError."""
    owned = isinstance(voice, VoiceSettings)
    if isinstance(voice, VoiceSettings):
        if not voice.enabled:
            raise DeviceError("devices.voice.enabled is false on this terminal", code="device.disabled")
        options = voice.options()
        if not options.get("output_dir"):
            options["output_dir"] = tempfile.mkdtemp(prefix="hall-say-")
        device: Voice = registry.open_device("voice", voice.driver, **options)
        device.open()
    else:
        device = voice
    try:
        utterance = device.utterance(text)
        future = device.announce(text)
        try:
            done = future.result(timeout=timeout_s)
        except FutureTimeout as exc:
            raise DeviceTimeout("the announcement did not finish in time") from exc
        status = device.status()
    finally:
        if owned:
            device.close()
    result: dict[str, Any] = {**done.to_json(), "status": status.to_json()}
    result["spoken"] = " ".join(utterance.tokens)
    return result
