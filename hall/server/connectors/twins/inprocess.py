"""``driver = "twin"`` (demo and test benches): the real connector wired to a twin started in-process.

The SMS twin is the SMPP gateway twin on a free local port (its messages are logged by ticket number,
never by recipient); the e-licence twin serves the demo licence file; the platform twin accepts pushes.
Refused outside demo mode unless ``connectors.allow_twins = true``.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hall.server.connectors.elicense import DEMO_FILE

if TYPE_CHECKING:
    from hall.server.connectors.elicense_http import HttpELicenseLibrary
    from hall.server.connectors.platform import HttpPlatform
    from hall.server.connectors.registry import ConnectorContext
    from hall.server.connectors.sms.queue import QueuedSms


def sms(*, context: ConnectorContext, **options: Any) -> QueuedSms:
    from hall.server.connectors.sms.smpp import make
    from hall.server.connectors.twins.smpp import SmppTwin

    secret = secrets.token_hex(4)  # the twin's bind password, new each start
    twin = SmppTwin(system_id="hall", password=secret).start()
    made = make(context=context, host="127.0.0.1", port=twin.port, system_id="hall", password=secret,
                source_addr=str(options.pop("source_addr", "10690000")), **options)
    made.twin = twin  # type: ignore[attr-defined]
    return made


def elicense(*, context: ConnectorContext, path: str | None = None, **options: Any) -> HttpELicenseLibrary:
    from hall.server.connectors.elicense_http import HttpELicenseLibrary
    from hall.server.connectors.twins.http import HttpTwin

    twin = HttpTwin().start()
    data = json.loads((Path(path) if path else DEMO_FILE).read_text(encoding="utf-8"))
    for person in data.get("people", []):
        twin.licenses[("person", person["id_number"])] = person["licenses"]
    for company in data.get("companies", []):
        holder = ("legal_person", company["credit_code"])
        twin.licenses[holder] = company.get("licenses", [])
        twin.holders[holder] = {"name": company["company_name"],
                                "legal_representative": company.get("legal_representative", "")}
    made = HttpELicenseLibrary(context=context, base_url=twin.url, **options)
    made.twin = twin  # type: ignore[attr-defined]
    return made


def platform(*, context: ConnectorContext, **options: Any) -> HttpPlatform:
    from hall.server.connectors.platform import make
    from hall.server.connectors.twins.http import HttpTwin

    twin = HttpTwin().start()
    made = make(context=context, base_url=twin.url, **options)
    made.twin = twin  # type: ignore[attr-defined]
    return made
