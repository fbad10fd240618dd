"""E-license library (电子证照库) connector: which certificates a citizen already has, by ID number."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hall.server.domain.errors import DomainError

if TYPE_CHECKING:
    from hall.server.connectors.registry import ConnectorContext

DEMO_FILE = Path(__file__).resolve().parents[1] / "seed_data" / "elicenses.json"


@dataclass(frozen=True)
class License:
    type: str
    name: str
    issuer: str
    license_no: str
    valid_until: str
    valid_from: str = ""
    file_ref: str = ""


class ELicenseLibrary(Protocol):
    def licenses_for(self, id_number: str) -> list[License]:
        """Certificates held for a valid ID number (empty when none). Raises ELicenseUnavailable."""
        ...


class NoELicenseLibrary:
    """``driver = "none"``: this hall has no e-licence platform; every query asks for paper."""

    def __init__(self, *, context: ConnectorContext | None = None) -> None:
        self.context = context

    def licenses_for(self, id_number: str) -> list[License]:
        raise ELicenseUnavailable(reason="none")


class ELicenseUnavailable(DomainError):
    code = "elicense.unavailable"
    kind = "unavailable"
    template_zh = "电子证照库暂时无法访问，请提供纸质材料"
    template_en = "The e-licence library is unavailable; please bring the paper documents"


class FileELicenseLibrary:
    """Backed by a JSON data file; the file's ID numbers are indexed by their HMAC only, in memory."""

    def __init__(self, *, context: ConnectorContext, path: str | None = None) -> None:
        self._path, self._keyring = Path(path) if path else DEMO_FILE, context.keyring
        self._index: dict[str, list[License]] | None = None
        self._lock = threading.Lock()

    def _load(self) -> dict[str, list[License]]:
        with self._lock:
            if self._index is None:
                try:
                    data = json.loads(self._path.read_text(encoding="utf-8"))
                except (OSError, ValueError) as exc:
                    raise ELicenseUnavailable(reason=exc.__class__.__name__) from exc
                self._index = {self._keyring.id_hash(p["id_number"]): [License(**lic) for lic in p["licenses"]]
                               for p in data.get("people", [])}
            return self._index

    def licenses_for(self, id_number: str) -> list[License]:
        return list(self._load().get(self._keyring.id_hash(id_number), []))
