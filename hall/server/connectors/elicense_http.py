"""E-licences (电子证照) from a provincial platform over HTTP, behind timeouts and a circuit breaker.

``POST {base_url}/licenses/query`` with ``{"holder_type": "person"|"legal_person", "holder_id": …,
"license_type": …}`` (POST keeps the ID number out of URLs and access logs) answers
``{"licenses": [{"type", "name", "issuer", "license_no", "valid_from", "valid_until", "file_ref"}]}``; for a
legal person also ``"holder": {"name", "legal_representative"}`` (what its business licence says).
Any failure — timeout, refused connection, 5xx, a malformed answer, the breaker open — is
``elicense.unavailable``, and the kiosk asks for paper.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from hall.server.connectors.elicense import Company, ELicenseUnavailable, License
from hall.server.connectors.http import HttpCaller, HttpUnavailable
from hall.server.domain.identity import parse_credit_code

if TYPE_CHECKING:
    from hall.server.connectors.registry import ConnectorContext

log = logging.getLogger(__name__)
_FIELDS = ("type", "name", "issuer", "license_no", "valid_from", "valid_until", "file_ref")


class HttpELicenseLibrary:
    """``[connectors.elicense] driver = "http"``: ``base_url``, ``token``, ``timeout_s``, breaker options."""

    def __init__(self, *, context: ConnectorContext, base_url: str, token: str = "", timeout_s: float = 3.0,
                 failures_to_open: int = 3, open_s: float = 30.0) -> None:
        self.caller = HttpCaller(base_url=base_url, token=token, timeout_s=timeout_s,
                                 failures_to_open=failures_to_open, open_s=open_s, name="elicense")

    def licenses_for(self, id_number: str, *, license_type: str | None = None) -> list[License]:
        """Licences of a person by ID number. Raises ELicenseUnavailable."""
        return self._query("person", id_number, license_type)

    def licenses_for_company(self, credit_code: str, *, license_type: str | None = None) -> list[License]:
        """Licences of a legal person by 统一社会信用代码 (GB 32100 check digit verified first, so a typo
        never reaches the platform). Raises InvalidCreditCode, ELicenseUnavailable."""
        return self._query("legal_person", parse_credit_code(credit_code), license_type)

    def company(self, credit_code: str) -> Company | None:
        """The legal person with its name and legal representative (the platform's ``holder``) and its
        licences; None when the platform knows neither. Raises InvalidCreditCode, ELicenseUnavailable."""
        code = parse_credit_code(credit_code)
        licenses, holder = self._ask("legal_person", code, None)
        if not licenses and not holder:
            return None
        return Company(credit_code=code, company_name=_text(holder.get("name")),
                       legal_representative=_text(holder.get("legal_representative")), licenses=tuple(licenses))

    def _query(self, holder_type: str, holder_id: str, license_type: str | None) -> list[License]:
        return self._ask(holder_type, holder_id, license_type)[0]

    def _ask(self, holder_type: str, holder_id: str, license_type: str | None
             ) -> tuple[list[License], dict[str, Any]]:
        body: dict[str, Any] = {"holder_type": holder_type, "holder_id": holder_id}
        if license_type:
            body["license_type"] = license_type
        try:
            answer = self.caller.call("POST", "/licenses/query", json=body)
            holder = answer.get("holder") or {}
            if not isinstance(holder, dict):
                raise TypeError("holder is not an object")
            return [_license(item) for item in answer["licenses"]], holder
        except HttpUnavailable as exc:
            log.warning("e-licence platform unavailable (%s)", exc.reason)
            raise ELicenseUnavailable(reason=exc.reason) from None
        except (KeyError, TypeError, ValueError):
            log.warning("e-licence platform answered in an unexpected form")
            raise ELicenseUnavailable(reason="bad_answer") from None


def _text(value: Any) -> str:
    return str(value or "").strip()[:200]


def _license(item: Any) -> License:
    if not isinstance(item, dict) or not item.get("type") or not item.get("license_no"):
        raise ValueError("licence without type or number")
    return License(**{key: str(item.get(key) or "")[:200] for key in _FIELDS})
