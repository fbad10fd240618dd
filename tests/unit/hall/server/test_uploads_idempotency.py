"""Upload sniffing and storage; idempotency body hashing; DB URL normalisation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from hall.server.core.db import DatabaseUrlError, normalise_url
from hall.server.core.http_errors import domain_status
from hall.server.core.idempotency import body_hash
from hall.server.submissions.errors import FileNotFound, FileTooLarge, UnsupportedType
from hall.server.submissions.uploads import blob_path, sniff, store


def test_sniff_by_content_not_name() -> None:
    assert sniff(b"\xff\xd8\xff\xe0rest") == ("image/jpeg", "jpg")
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == ("image/png", "png")
    assert sniff(b"%PDF-1.7") == ("application/pdf", "pdf")
    assert sniff(b"GIF89a") is None and sniff(b"MZ\x90") is None


def test_store_content_addressed_and_capped(tmp_path: Path) -> None:
    a = store(io.BytesIO(b"%PDF-1.4 hello"), tmp_path, max_bytes=100, budget=100)
    assert blob_path(tmp_path, a.sha256).read_bytes() == b"%PDF-1.4 hello"
    with pytest.raises(FileTooLarge) as too_large:
        store(io.BytesIO(b"%PDF-" + b"x" * 200), tmp_path, max_bytes=100, budget=1000)
    assert domain_status(too_large.value) == 413 and too_large.value.message_zh == "单个文件最大 100 字节"
    with pytest.raises(UnsupportedType) as unsupported:
        store(io.BytesIO(b"<html>"), tmp_path, max_bytes=100, budget=100)
    assert domain_status(unsupported.value) == 415
    assert [p.name for p in (tmp_path / "blobs").iterdir() if p.name.startswith(".")] == []
    with pytest.raises(FileNotFound):
        blob_path(tmp_path, "../../etc/passwd")


def test_body_hash_ignores_key_order() -> None:
    assert body_hash({"a": 1, "b": [1, 2]}) == body_hash({"b": [1, 2], "a": 1})
    assert body_hash({"a": 1}) != body_hash({"a": 2})


def test_database_urls() -> None:
    assert normalise_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("postgres://u@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
    with pytest.raises(DatabaseUrlError):
        normalise_url("mysql://x")
