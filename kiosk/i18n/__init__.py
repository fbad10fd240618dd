"""Translation tables for every citizen-facing string (zh_CN first, en second).

Code never holds citizen text: it names a key, and :func:`tr` looks it up. A missing key is a
bug caught by tests (``tests/unit/kiosk/test_i18n.py``); at run time it shows the key rather
than crashing the screen.
"""

from __future__ import annotations

import logging
from typing import Literal

from kiosk.i18n.en import TABLE as EN
from kiosk.i18n.zh_CN import TABLE as ZH

Lang = Literal["zh_CN", "en"]
LANGS: tuple[Lang, ...] = ("zh_CN", "en")
TABLES: dict[str, dict[str, str]] = {"zh_CN": ZH, "en": EN}

log = logging.getLogger(__name__)


class MissingTranslation(KeyError):
    """A key has no text in a table."""

    code = "kiosk.i18n.missing"


def tr(lang: str, key: str, /, **values: object) -> str:
    """The text for ``key`` in ``lang`` with ``{placeholders}`` filled from ``values``."""
    table = TABLES.get(lang, ZH)
    text = table.get(key)
    if text is None:
        log.error("untranslated key %s (%s)", key, lang)
        return key
    return text.format(**values) if values else text


def has(lang: str, key: str) -> bool:
    return key in TABLES.get(lang, {})
