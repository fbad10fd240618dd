"""信息发布 on the calling display: the images and videos of a folder, shown in name order, round and round.

No Qt here: which file comes next, and what counts as media. The folder is read again at the end of each
round, so a file copied in (or taken out) shows from the next round without a restart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

IMAGES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif"})
VIDEOS = frozenset({".mp4", ".webm", ".mkv", ".avi", ".mov", ".m4v"})
MAX_FILES = 200


def kind_of(path: Path) -> str | None:
    """``image``, ``video`` or None (not media: ignored)."""
    suffix = path.suffix.lower()
    return "image" if suffix in IMAGES else "video" if suffix in VIDEOS else None


def scan(folder: Path | None) -> list[Path]:
    """The folder's media files in name order (hidden files and sub-folders left out); [] when unreadable."""
    if folder is None:
        return []
    try:
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_file() and kind_of(p))
    except OSError as exc:
        log.warning("media folder %s unreadable (%s): no media area", folder, exc.__class__.__name__)
        return []
    return entries[:MAX_FILES]


@dataclass
class Playlist:
    """The files of ``folder``; ``next()`` gives the one to show now (None when there is none)."""

    folder: Path | None
    files: list[Path] = field(default_factory=list)
    index: int = -1

    def next(self) -> Path | None:
        self.index += 1
        if self.index >= len(self.files) or self.index == 0:
            self.files, self.index = scan(self.folder), 0
        return self.files[self.index] if self.files else None
