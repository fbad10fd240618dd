"""How the hall client's errors (HTTP answers, transport failures) become outcomes."""

from __future__ import annotations

import httpx
import pytest

from hall.client.errors import HallTimeout, HallUnreachable, from_response
from offline_cache.sender import Delivered, Rejected, RetryLater, classify


def _error(status: int, code: str | None = None) -> RetryLater | Rejected | Delivered:
    body = {"error": {"code": code, "message": "m"}} if code else None
    return classify(from_response(status, body))


def test_success_carries_the_server_reference() -> None:
    assert Delivered(201, {"id": 17, "number": "A001"}).server_ref == "17"
    assert Delivered(201, {"registration_code": "2026112200A7K3"}).server_ref == "2026112200A7K3"


@pytest.mark.parametrize("status", [400, 404, 413, 415, 422])
def test_permanent_client_errors_are_rejected_with_the_server_code(status: int) -> None:
    assert _error(status, "ticket.quota") == Rejected("ticket.quota", status)
    assert _error(status) == Rejected(f"http.{status}", status)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_answers_retry(status: int) -> None:
    out = _error(status)
    assert isinstance(out, RetryLater) and not out.server_down and not out.auth


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failures_never_kill_a_record(status: int) -> None:
    out = _error(status, "auth.invalid_token")
    assert isinstance(out, RetryLater) and out.auth


def test_409_mismatch_is_permanent_other_409_retry() -> None:
    assert _error(409, "idempotency.mismatch") == Rejected("idempotency.mismatch", 409)
    out = _error(409, "ticket.invalid_transition")
    assert isinstance(out, RetryLater) and out.conflict


def _wrapped(kind: type[Exception], cause: Exception) -> Exception:
    exc = kind("POST /tickets")
    exc.__cause__ = cause
    return exc


def test_transport_failures_say_whether_the_request_left() -> None:
    req = httpx.Request("POST", "http://h/api/v1/tickets")
    refused = classify(_wrapped(HallUnreachable, httpx.ConnectError("refused", request=req)))  # type: ignore[arg-type]
    assert isinstance(refused, RetryLater) and refused.server_down and refused.sent is False
    connect = classify(_wrapped(HallTimeout, httpx.ConnectTimeout("syn lost", request=req)))  # type: ignore[arg-type]
    assert isinstance(connect, RetryLater) and connect.sent is False
    slow = classify(_wrapped(HallTimeout, httpx.ReadTimeout("slow", request=req)))  # type: ignore[arg-type]
    assert isinstance(slow, RetryLater) and not slow.server_down and slow.sent is None
    dropped = classify(_wrapped(HallUnreachable, httpx.RemoteProtocolError("gone", request=req)))  # type: ignore[arg-type]
    assert isinstance(dropped, RetryLater) and dropped.server_down and dropped.sent is None
