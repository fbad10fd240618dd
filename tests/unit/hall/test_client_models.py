"""The client reads the server's answers with the server's own schema classes, and loads no server machinery."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from hall.client import models as m
from hall.server.submissions.schemas import HistoryOut, SubmissionOut
from hall.server.tickets.schemas import TicketOut

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_client_loads_neither_fastapi_nor_sqlalchemy() -> None:
    probe = ("import json, sys, hall.client, hall.client.models; "
             "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('fastapi', 'starlette', 'sqlalchemy', 'alembic', 'PySide6'))))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    assert json.loads(done.stdout) == []


def test_the_client_names_are_the_server_classes() -> None:
    assert m.Ticket is TicketOut and m.Submission is SubmissionOut
    for name in m.__all__:
        cls = getattr(m, name)
        assert cls.__module__.startswith("hall.server.") and cls.__module__.endswith(".schemas"), name


def test_an_answer_reads_back_as_the_model_it_was_built_from() -> None:
    at = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)
    sent = SubmissionOut(id=7, code="202611220042A7K3M", item_code="X1", status="accepted",
                         applicant_id_masked="110101********1234", legal_due=date(2026, 12, 1), created_at=at,
                         history=[HistoryOut(status="submitted", at=at)])
    body = json.loads(json.dumps(sent.model_dump(mode="json")))
    assert body["legal_due"] == "2026-12-01" and body["created_at"] == "2026-11-22T01:30:00+00:00"
    got = m.Submission.model_validate({**body, "added_by_a_newer_server": 1})
    assert got == sent and got.history[0].at == at
