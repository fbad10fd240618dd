"""The active categories, cached: they change a few times a year, and every ticket needs its line."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from hall.server.catalogue.models import Category
from hall.server.core.db import Database


class CategoryCache:
    """Rows are detached copies refreshed at most every ``ttl_s``; a change through the API invalidates."""

    def __init__(self, db: Database, ttl_s: float = 5.0) -> None:
        self._db, self._ttl = db, ttl_s
        self._at = 0.0
        self._rows: dict[str, Category] = {}
        self._lock = threading.Lock()

    def get(self) -> dict[str, Category]:
        now = time.monotonic()
        if now - self._at > self._ttl:
            with self._lock, self._db.read() as s:
                rows = list(s.scalars(select(Category).order_by(Category.sort, Category.code)))
                for row in rows:
                    s.expunge(row)
                self._rows = {c.code: c for c in rows}
                self._at = now
        return self._rows

    def invalidate(self) -> None:
        self._at = 0.0
