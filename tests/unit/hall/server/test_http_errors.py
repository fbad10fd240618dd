"""The one mapping from errors to HTTP: the framework's own refusals and an unexpected failure get the same
body as a domain refusal (code, zh/en message, params), with the status of their kind."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.exceptions import HTTPException

from hall.server.core.http_errors import STATUS, install_error_handlers, request_invalid
from hall.server.domain.errors import KINDS


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/raise/{status}")
    def raise_status(status: int) -> None:
        raise HTTPException(status_code=status, detail="the framework's own words")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("internal detail that must not reach the answer")

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(("status", "code", "zh"), [
    (400, "http_400", "请求无法解析"),
    (413, "too_large", "请求内容过大"),
    (415, "unsupported_media_type", "不支持这种内容类型"),
    (418, "http_400", "请求无法解析"),  # a status nobody expects from the framework: a plain bad request
])
def test_framework_refusals_are_domain_errors(client: TestClient, status: int, code: str, zh: str) -> None:
    r = client.get(f"/raise/{status}")
    err = r.json()["error"]
    assert r.status_code == (400 if status == 418 else status)
    assert (err["code"], err["message_zh"], err["params"]) == (code, zh, {})
    assert "framework's own words" not in r.text


def test_an_unexpected_failure_is_a_500_without_details(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        r = client.get("/boom")
    err = r.json()["error"]
    assert r.status_code == 500 and err["code"] == "internal" and err["message"] == "internal server error"
    assert err["message_zh"].startswith("服务器内部错误") and "internal detail" not in r.text
    assert any("unhandled error on GET /boom" in rec.getMessage() for rec in caplog.records)


def test_every_kind_has_one_status() -> None:
    assert set(STATUS) == KINDS
    assert (STATUS["bad_request"], STATUS["not_allowed"], STATUS["internal"]) == (400, 405, 500)


def test_validation_fields_name_no_key_the_client_made_up() -> None:
    err = request_invalid([{"loc": ("body", "weights", "<b>"), "msg": "bad"},
                           {"loc": ("query", "ticket_id"), "msg": "too big"},
                           {"loc": ("body", "materials", 3, "file"), "msg": "too long"}])
    assert [f["field"] for f in err.params["fields"]] == ["weights.…", "query.ticket_id", "materials.3.file"]
    assert err.message_en == "weights.…: bad" and err.to_dict()["fields"] == err.params["fields"]
