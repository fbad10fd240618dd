"""Property-based run of every operation in /api/v1/openapi.json against a real server: never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.result import Ok

from tests.rigs.hall_server import HallServer, start_prepared
from tests.rigs.waiting import budget


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    server = start_prepared(f"sqlite:///{workdir / 'hall.db'}", workdir)
    yield server
    assert server.stop() == 0


def test_no_server_errors(fuzz_server: HallServer) -> None:
    """Every operation, generated inputs; any 5xx fails. (schemathesis' pytest plugin does not load under
    pytest 9, so its strategies are driven by hypothesis directly.)"""
    from hypothesis import given

    api = schemathesis.openapi.from_url(f"{fuzz_server.url}/api/v1/openapi.json")
    headers = {"Authorization": f"Bearer {fuzz_server.tokens['admin']}"}
    failures: list[str] = []
    results = list(api.get_all_operations())
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) == len(results) > 30  # every operation in the document loads
    for operation in operations:
        if operation.path.endswith("/events"):
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=fuzz_server.url, headers=headers, timeout=budget(10))
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")

        run()
    assert not failures, "\n".join(failures[:10])
