"""Finding a service item: by Chinese name, by pinyin initials (``sb`` → 社保…), or by item code.

The index is built once per catalogue (pypinyin is imported lazily, after the first paint).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.flows.ports import ServiceItem


@dataclass(frozen=True, slots=True)
class _Entry:
    item: ServiceItem
    initials: str
    full: str


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(ch in it for ch in needle)


class Catalogue:
    """Search over service items; results ranked code > name > initials prefix > initials > spelling."""

    def __init__(self, items: list[ServiceItem]) -> None:
        from pypinyin import Style, lazy_pinyin

        self.items = list(items)
        self._entries = [
            _Entry(item, "".join(lazy_pinyin(item.name_zh, style=Style.FIRST_LETTER)).lower(),
                   "".join(lazy_pinyin(item.name_zh)).lower())
            for item in self.items
        ]

    def get(self, code: str) -> ServiceItem | None:
        return next((i for i in self.items if i.code == code), None)

    def search(self, query: str, *, limit: int = 20) -> list[ServiceItem]:
        q = query.strip()
        if not q:
            return self.items[:limit]
        ql = q.lower()
        scored: list[tuple[int, int, ServiceItem]] = []
        for n, e in enumerate(self._entries):
            item = e.item
            if item.code.lower().startswith(ql) or item.code.lower() == ql:
                rank = 0
            elif q in item.name_zh or ql in item.name_en.lower():
                rank = 1
            elif ql.isascii() and ql.isalpha() and e.initials.startswith(ql):
                rank = 2
            elif ql.isascii() and ql.isalpha() and ql in e.initials:
                rank = 3
            elif ql.isascii() and ql.isalpha() and (ql in e.full or (len(ql) > 1 and _subsequence(ql, e.initials))):
                rank = 4
            else:
                continue
            scored.append((rank, n, item))
        return [item for _, _, item in sorted(scored, key=lambda t: (t[0], t[1]))][:limit]
