"""Reference data a terminal needs to serve while the hall server is down: the lines with their hours,
the service catalogue. Public data (no person in it), kept next to the outbox's records so a kiosk
that starts during an outage still knows what numbers it may issue (issue 14.9).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Connection, insert, select

from offline_cache.errors import InvalidRecord
from offline_cache.schema import reference

MAX_REFERENCE_BYTES = 4 * 1024 * 1024  # a catalogue of a few hundred items is ~200 kB


class ReferenceMixin:
    clock: Callable[[], float]
    _tx: Callable[..., AbstractContextManager[Connection]]

    def keep_reference(self, name: str, value: Any) -> None:
        """Replace the reference data called ``name`` (JSON-able). Raises InvalidRecord, StorageError."""
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if len(data) > MAX_REFERENCE_BYTES or not name or len(name) > 64:
            raise InvalidRecord("reference data too large or badly named")
        with self._tx() as conn:
            conn.execute(insert(reference).prefix_with("OR REPLACE"),
                         [{"name": name, "value": data, "updated_at": self.clock()}])

    def reference(self, name: str) -> Any | None:
        """The reference data called ``name`` as last kept, or None. Raises StorageError."""
        with self._tx() as conn:
            data = conn.scalar(select(reference.c.value).where(reference.c.name == name))
        if data is None:
            return None
        try:
            return json.loads(bytes(data).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None  # unreadable: as if never kept (the next refresh writes it again)
