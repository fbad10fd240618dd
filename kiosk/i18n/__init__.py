"""Translation tables for every citizen-facing string: zh_CN (the reference), en, bo, ug.

Code never holds citizen text: it names a key, and :func:`tr` looks it up. zh_CN and en hold every
key (``tests/unit/kiosk/test_i18n.py``). Tibetan (bo) and Uyghur (ug) are partial: a key they lack is
shown in Chinese — the other language of a bilingual hall — and logged once as a warning, so a hall
sees which strings still need a translator (docs/kiosk.md, "Languages"). A key missing from zh_CN is
a bug: it logs an error and shows the key rather than crashing the screen.
"""

from __future__ import annotations

import logging
from typing import Literal

from kiosk.i18n.bo import TABLE as BO
from kiosk.i18n.en import TABLE as EN
from kiosk.i18n.ug import TABLE as UG
from kiosk.i18n.zh_CN import TABLE as ZH

Lang = Literal["zh_CN", "en", "bo", "ug"]
LANGS: tuple[Lang, ...] = ("zh_CN", "en", "bo", "ug")
TABLES: dict[str, dict[str, str]] = {"zh_CN": ZH, "en": EN, "bo": BO, "ug": UG}
# languages whose tables may lack keys: those fall back to zh_CN, one string at a time
FALLS_BACK_TO_ZH: frozenset[str] = frozenset({"bo", "ug"})
RIGHT_TO_LEFT: frozenset[str] = frozenset({"ug"})

log = logging.getLogger(__name__)
_warned: set[tuple[str, str]] = set()


class MissingTranslation(KeyError):
    """A key has no text in a table."""

    code = "kiosk.i18n.missing"


def _lookup(lang: str, key: str) -> str | None:
    text = TABLES.get(lang, ZH).get(key)
    if text is None and lang in FALLS_BACK_TO_ZH:
        text = ZH.get(key)
        if text is not None and (lang, key) not in _warned:
            _warned.add((lang, key))
            log.warning("no %s translation for %s: shown in zh_CN", lang, key)
    return text


def tr(lang: str, key: str, /, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled from ``values``."""
    text = _lookup(lang, key)
    if text is None:
        log.error("untranslated key %s (%s)", key, lang)
        return key
    return text.format(**values) if values else text


def has(lang: str, key: str) -> bool:
    """Does ``key`` have text in ``lang`` (counting the zh_CN fallback of bo and ug)?"""
    return key in TABLES.get(lang, {}) or (lang in FALLS_BACK_TO_ZH and key in ZH)


def pick(lang: str, zh: str, en: str) -> str:
    """A name the data holds in two languages (a line, an item, the hall): English on English screens,
    Chinese everywhere else (bo and ug halls show Chinese data beside their own words, never English)."""
    return (en or zh) if lang == "en" else zh


def voice_lang(lang: str) -> str:
    """The language prompts are read aloud in: the voice (espeak-ng) speaks Chinese and English only,
    so Tibetan and Uyghur screens are read in Chinese, the other language of their halls."""
    return lang if lang in ("zh_CN", "en") else "zh_CN"


def is_rtl(lang: str) -> bool:
    """Is ``lang`` written right to left (the whole screen is mirrored)?"""
    return lang in RIGHT_TO_LEFT


def untranslated(lang: str) -> list[str]:
    """The keys ``lang`` shows in zh_CN (for the technician and the translation note)."""
    return sorted(set(ZH) - set(TABLES.get(lang, ZH)))
