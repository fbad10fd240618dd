"""E-license library (电子证照库) connector: which certificates a citizen already has, by ID number, and a
legal person's (by 统一社会信用代码) with the name and legal representative its business licence names."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

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


@dataclass(frozen=True)
class Company:
    """A legal person as its business licence (营业执照) names it; ``legal_representative`` is a person's
    name (personal data: never logged)."""

    credit_code: str
    company_name: str
    legal_representative: str = field(default="", repr=False)
    licenses: tuple[License, ...] = ()


class ELicenseLibrary(Protocol):
    def licenses_for(self, id_number: str) -> list[License]:
        """Certificates held for a valid ID number (empty when none). Raises ELicenseUnavailable."""
        ...

    def company(self, credit_code: str) -> Company | None:
        """The legal person with this (valid) credit code and its licences; None when the library knows
        none. Raises ELicenseUnavailable."""
        ...


class NoELicenseLibrary:
    """``driver = "none"``: this hall has no e-licence platform; every query asks for paper."""

    def __init__(self, *, context: ConnectorContext | None = None) -> None:
        self.context = context

    def licenses_for(self, id_number: str) -> list[License]:
        raise ELicenseUnavailable(reason="none")

    def company(self, credit_code: str) -> Company | None:
        raise ELicenseUnavailable(reason="none")


class ELicenseUnavailable(DomainError):
    code = "elicense.unavailable"
    kind = "unavailable"
    template_zh = "电子证照库暂时无法访问，请提供纸质材料"
    template_en = "The e-licence library is unavailable; please bring the paper documents"


class FileELicenseLibrary:
    """Backed by a JSON data file (``people`` by ID number, ``companies`` by credit code); the file's ID
    numbers are indexed by their HMAC only, in memory."""

    def __init__(self, *, context: ConnectorContext, path: str | None = None) -> None:
        self._path, self._keyring = Path(path) if path else DEMO_FILE, context.keyring
        self._index: dict[str, list[License]] | None = None
        self._companies: dict[str, Company] = {}
        self._lock = threading.Lock()

    def _load(self) -> dict[str, list[License]]:
        with self._lock:
            if self._index is None:
                try:
                    data = json.loads(self._path.read_text(encoding="utf-8"))
                except (OSError, ValueError) as exc:
                    raise ELicenseUnavailable(reason=exc.__class__.__name__) from exc
                self._companies = {c["credit_code"]: company_of(c) for c in data.get("companies", [])}
                self._index = {self._keyring.id_hash(p["id_number"]): [License(**lic) for lic in p["licenses"]]
                               for p in data.get("people", [])}
            return self._index

    def licenses_for(self, id_number: str) -> list[License]:
        return list(self._load().get(self._keyring.id_hash(id_number), []))

    def company(self, credit_code: str) -> Company | None:
        self._load()
        return self._companies.get(credit_code)


def company_of(raw: dict[str, Any]) -> Company:
    """A ``companies`` entry of a licence file (``{"credit_code", "company_name", "legal_representative",
    "licenses"}``) as a :class:`Company`."""
    return Company(credit_code=raw["credit_code"], company_name=raw["company_name"],
                   legal_representative=raw.get("legal_representative", ""),
                   licenses=tuple(License(**lic) for lic in raw.get("licenses", [])))
