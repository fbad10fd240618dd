"""Property-based run of every operation in /api/v1/openapi.json once per role (and with no token):
no 5xx, every status code documented, every response body valid against its documented schema.

tests/integration/test_server_schemathesis.py does the admin-only "no 5xx" run; this one adds the
other roles and the response checks. schemathesis' pytest plugin does not load under pytest 9, so
its strategies are driven by hypothesis directly and its checks are called on each response.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from requests.structures import CaseInsensitiveDict
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.rigs.hall_server import HallServer, start_prepared
from tests.rigs.waiting import budget

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 4


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    workdir: Path = tmp_path_factory.mktemp("fuzz-roles")
    server = start_prepared(f"sqlite:///{workdir / 'hall.db'}", workdir)
    yield server
    assert server.stop() == 0


@pytest.mark.parametrize("role", ["kiosk", "display", "evaluator", "counter", "terminal", "clerk", "manager", "admin",
                                  "none"])
def test_every_operation_as_role(fuzz_server: HallServer, role: str) -> None:
    api = schemathesis.openapi.from_url(f"{fuzz_server.url}/api/v1/openapi.json")
    token = fuzz_server.tokens.get(role)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    failures: set[str] = set()
    count = 0
    for result in api.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        if operation.path.endswith("/events"):
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: schemathesis.Case) -> None:
            nonlocal count
            # The generated Authorization header (if any) is replaced by this role's token.
            case.headers = CaseInsensitiveDict(
                {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"})
            response = case.call(base_url=fuzz_server.url, headers=headers, timeout=budget(10))
            count += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
                kinds = [ln.strip("- ").strip() for ln in str(exc).splitlines() if ln.startswith("- ")]
                failures.add(f"{case.method} {case.operation.path} -> {response.status_code}: "
                             f"{'; '.join(kinds) or exc.__class__.__name__}")

        run()
    assert count > 150
    assert not failures, f"{len(failures)} of {count} calls:\n" + "\n".join(sorted(failures))
