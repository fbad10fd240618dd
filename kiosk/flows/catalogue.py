"""Finding a service item: by Chinese characters (``社保``), by full pinyin (``shebao``,
``shehuibaoxian``, with or without spaces), by pinyin initials (``sb``), by a mix of whole syllables and
initials (``shebx``), or by item code.

The index is built once per catalogue (pypinyin is imported lazily, after the first paint).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.flows.ports import ServiceItem

_SEPARATORS = re.compile(r"[\s'’·\-]+")


@dataclass(frozen=True, slots=True)
class _Entry:
    item: ServiceItem
    initials: str
    full: str
    syllables: tuple[str, ...]


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


def syllable_prefixes(query: str, syllables: tuple[str, ...], *, gaps: bool = False) -> bool:
    """Does ``query`` spell consecutive syllables, each by a non-empty prefix of it? ``shehuibaoxian``,
    ``shbx`` and ``baoxian`` spell 社会保险 (she hui bao xian); with ``gaps`` syllables may be left out
    after the first, as abbreviations do (``shebao``, ``sb`` = 社保 for 社会保险)."""

    n = len(query)
    reach: set[int] = set()  # query positions reached right after the previous syllable
    for syl in syllables:
        after = set(reach) if gaps else set()  # a left-out syllable keeps what was reached
        for at in reach | {0}:  # 0: the spelling may start at any syllable
            k = 0
            while k < len(syl) and at + k < n and query[at + k] == syl[k]:
                k += 1
                if at + k == n:
                    return True
                after.add(at + k)
        reach = after
    return False


def normalise(query: str) -> str:
    """The query as typed on a keypad or keyboard: case, spaces and apostrophes (xi'an) dropped, ü as v."""
    return _SEPARATORS.sub("", query.strip().lower()).replace("ü", "v")


class Catalogue:
    """Search over service items; results ranked code > name > initials prefix > initials > pinyin
    syllables > spelling."""

    def __init__(self, items: list[ServiceItem]) -> None:
        from pypinyin import Style, lazy_pinyin

        self.items = list(items)
        self._entries = []
        for item in self.items:
            # non-Chinese runs (e.g. "ID") come back whole: split them into letters so they spell too
            syllables = tuple(s.lower() for s in lazy_pinyin(item.name_zh, style=Style.NORMAL, v_to_u=False)
                              if s.strip())
            self._entries.append(_Entry(
                item, "".join(s[0] for s in syllables if s[0].isalnum()), "".join(syllables), syllables))

    def get(self, code: str) -> ServiceItem | None:
        return next((i for i in self.items if i.code == code), None)

    def search(self, query: str, *, limit: int = 20) -> list[ServiceItem]:
        q = query.strip()
        if not q:
            return self.items[:limit]
        ql = q.lower()
        spelled = normalise(q)
        letters = spelled.isascii() and spelled.isalpha()
        scored: list[tuple[int, int, ServiceItem]] = []
        for n, e in enumerate(self._entries):
            rank = self._rank(e, q, ql, spelled, letters)
            if rank is not None:
                scored.append((rank, n, e.item))
        return [item for _, _, item in sorted(scored, key=lambda t: (t[0], t[1]))][:limit]

    @staticmethod
    def _rank(e: _Entry, q: str, ql: str, spelled: str, letters: bool) -> int | None:
        item = e.item
        if item.code.lower().startswith(ql):
            return 0
        if q in item.name_zh or ql in item.name_en.lower():
            return 1
        if not letters or not _subsequence(spelled, e.full):
            return None  # every spelling below uses the name's letters in order
        if e.initials.startswith(spelled):
            return 2
        if spelled in e.initials:
            return 3
        if syllable_prefixes(spelled, e.syllables):
            return 4
        if syllable_prefixes(spelled, e.syllables, gaps=True):
            return 5
        if spelled in e.full or (len(spelled) > 1 and _subsequence(spelled, e.initials)):
            return 6
        return None
