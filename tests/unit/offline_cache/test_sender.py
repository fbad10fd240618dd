"""How HTTP answers and transport failures become Delivered / RetryLater / Rejected."""

from __future__ import annotations

import httpx
import pytest

from offline_cache.sender import Delivered, Rejected, RetryLater, classify, transport_failure


def _resp(status: int, body: object = None, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def test_success_carries_the_server_reference() -> None:
    out = classify(_resp(201, {"id": 17, "number": "A001"}))
    assert isinstance(out, Delivered) and out.server_ref == "17"
    assert classify(_resp(200, {"registration_code": "2026112200A7K3"})).server_ref == "2026112200A7K3"  # type: ignore[union-attr]


@pytest.mark.parametrize("status", [400, 404, 413, 415, 422])
def test_permanent_client_errors_are_rejected_with_the_server_code(status: int) -> None:
    out = classify(_resp(status, {"error": {"code": "ticket.quota", "message": "m"}}))
    assert out == Rejected("ticket.quota", status)
    assert classify(_resp(status)) == Rejected(f"http.{status}", status)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_answers_retry(status: int) -> None:
    out = classify(_resp(status, headers={"Retry-After": "7"}))
    assert isinstance(out, RetryLater) and out.retry_after_s == 7 and not out.server_down


def test_auth_failures_never_kill_a_record() -> None:
    out = classify(_resp(401, {"error": {"code": "auth.invalid_token", "message": "m"}}))
    assert isinstance(out, RetryLater) and out.auth


def test_409_mismatch_is_permanent_other_409_retry() -> None:
    assert classify(_resp(409, {"error": {"code": "idempotency.mismatch", "message": ""}})) == \
        Rejected("idempotency.mismatch", 409)
    out = classify(_resp(409, {"error": {"code": "idempotency.in_progress", "message": ""}}))
    assert isinstance(out, RetryLater) and out.conflict


def test_transport_failures_say_whether_the_request_left() -> None:
    req = httpx.Request("POST", "http://h/api/v1/tickets")
    refused = transport_failure(httpx.ConnectError("refused", request=req))
    assert refused.server_down and refused.sent is False
    timeout = transport_failure(httpx.ReadTimeout("slow", request=req))
    assert not timeout.server_down and timeout.sent is None
    dropped = transport_failure(httpx.RemoteProtocolError("gone", request=req))
    assert dropped.server_down and dropped.sent is None
