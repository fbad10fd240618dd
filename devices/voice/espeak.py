"""Driver ``espeak``: espeak-ng's Mandarin voice, fed tone-numbered pinyin.

The ``cmn`` voice reads Chinese with English rules; ``cmn-latn-pinyin`` reads pinyin (and guesses
characters' readings), so utterances go through pypinyin first. English lines use the ``en`` voice.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave

from devices.status import Health
from devices.voice.audio import Pcm, silence, trim
from devices.voice.base import ENGLISH_GAP_S, QueuedVoice
from devices.voice.phrases import PAUSE, english_text, pinyin
from devices.voice.protocol import Utterance, VoiceError

ZH_VOICE = "cmn-latn-pinyin"
EN_VOICE = "en"
TIMEOUT_S = 15.0
SWITCH_GAP_S = 0.12  # between a Chinese and an English stretch of one sentence


def synthesise(text: str, *, voice: str, rate_wpm: int) -> Pcm:
    """Run espeak-ng once; its WAV comes on stdout. Raises VoiceError."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise VoiceError("espeak-ng is not installed (apt-get install espeak-ng)", code="device.voice.no_engine")
    try:
        done = subprocess.run([exe, "-v", voice, "-s", str(rate_wpm), "--stdout", text],
                              capture_output=True, timeout=TIMEOUT_S, check=True)
    except subprocess.TimeoutExpired as exc:
        raise VoiceError("espeak-ng did not finish in time", code="device.timeout") from exc
    except (OSError, subprocess.CalledProcessError) as exc:
        raise VoiceError(f"espeak-ng failed ({exc.__class__.__name__})") from exc
    try:
        with wave.open(io.BytesIO(done.stdout), "rb") as w:
            # espeak-ng streams with an unknown length in the header: read what is there
            pcm = Pcm(w.getframerate(), w.readframes(2**31 - 1))
    except (EOFError, wave.Error) as exc:
        raise VoiceError("espeak-ng produced no audio") from exc
    return trim(pcm, keep_s=0.05)  # espeak-ng pads every utterance with silence


def synthesise_tokens(tokens: tuple[str, ...], *, rate_wpm: int) -> Pcm:
    """Tokens said by espeak-ng: Chinese stretches as pinyin with the Mandarin voice, ``en:``
    stretches with the English one. Raises VoiceError."""
    stretches: list[tuple[str, list[str]]] = []
    for tok in tokens:
        lang = "en" if tok.startswith("en:") else "zh"
        if tok == PAUSE and stretches:
            stretches[-1][1].append(tok)  # a pause belongs to the stretch it ends
        elif stretches and stretches[-1][0] == lang:
            stretches[-1][1].append(tok)
        else:
            stretches.append((lang, [tok]))
    out: Pcm | None = None
    for lang, part in stretches:
        text = english_text(tuple(part)) if lang == "en" else pinyin(tuple(part))
        if not text.strip(" ,"):
            continue
        pcm = synthesise(text, voice=EN_VOICE if lang == "en" else ZH_VOICE, rate_wpm=rate_wpm)
        out = pcm if out is None else out + silence(out.rate, SWITCH_GAP_S) + pcm
    if out is None or out.frames == 0:
        raise VoiceError("espeak-ng produced no audio")
    return out


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


class EspeakVoice(QueuedVoice):
    driver_name = "espeak"

    def _health(self) -> tuple[Health, str, str, str]:
        if shutil.which("espeak-ng") is None:
            return Health.OFFLINE, "device.voice.no_engine", "未安装 espeak-ng", "espeak-ng is not installed"
        return Health.OK, "ok", "正常", "OK"

    def _synthesise(self, utterance: Utterance) -> Pcm:
        return speak(utterance, rate_wpm=self.rate_wpm)


def speak(utterance: Utterance, *, rate_wpm: int) -> Pcm:
    """The utterance through espeak-ng (its English line after a pause). Raises VoiceError."""
    pcm = synthesise_tokens(utterance.tokens, rate_wpm=rate_wpm)
    if utterance.en_tokens:
        en = synthesise(english_text(utterance.en_tokens), voice=EN_VOICE, rate_wpm=rate_wpm)
        pcm = pcm + silence(pcm.rate, ENGLISH_GAP_S) + en
    return pcm
