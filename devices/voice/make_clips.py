"""Generate the clip set of the ``clips`` driver with espeak-ng (run once; the WAVs are committed).

``python -m devices.voice.make_clips [--out DIR] [--rate 16000]`` writes one trimmed 16-bit mono
WAV per word (digits, letters, 请/号/到/窗口/号窗口/办理/…, and the English words) and
``index.json`` mapping each token to its file. A hall that records a human voice replaces the WAVs
and keeps the index.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from devices.voice.audio import resample, trim, write_wav
from devices.voice.espeak import EN_VOICE, ZH_VOICE, synthesise
from devices.voice.phrases import DIGITS_EN, DIGITS_ZH, LETTERS, WORDS_EN, WORDS_ZH

CLIPS_DIR = Path(__file__).with_name("clips")
RATE_HZ = 16_000
SPEED_WPM = 175


def clip_plan() -> dict[str, tuple[str, str, str]]:
    """token -> (file name, espeak voice, text to speak)."""
    plan: dict[str, tuple[str, str, str]] = {}
    for word in (*WORDS_ZH, *DIGITS_ZH):
        syllables = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True)
        name = "zh_" + "_".join(syllables)
        plan[word] = (f"{name}.wav", ZH_VOICE, " ".join(syllables))
    for letter in LETTERS:
        plan[letter] = (f"zh_letter_{letter}.wav", ZH_VOICE, letter)
        plan[f"en:{letter}"] = (f"en_letter_{letter}.wav", EN_VOICE, letter)
    for digit, word in enumerate(DIGITS_EN):
        plan[f"en:{digit}"] = (f"en_{word}.wav", EN_VOICE, word)
    for token in WORDS_EN:
        words = token.removeprefix("en:")
        plan[token] = (f"en_{words.replace(' ', '_')}.wav", EN_VOICE, words)
    return plan


def make_clips(out: Path = CLIPS_DIR, *, rate: int = RATE_HZ) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    index: dict[str, str] = {}
    for token, (name, voice, text) in clip_plan().items():
        pcm = trim(resample(synthesise(text, voice=voice, rate_wpm=SPEED_WPM), rate), keep_s=0.01)
        write_wav(out / name, pcm)
        index[token] = name
    (out / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                    encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=CLIPS_DIR)
    parser.add_argument("--rate", type=int, default=RATE_HZ, help="sample rate in Hz (8000-16000)")
    args = parser.parse_args(argv)
    index = make_clips(args.out, rate=args.rate)
    print(json.dumps({"clips": len(index), "dir": str(args.out)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
