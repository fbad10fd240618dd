"""Hostile uploads against a real server: oversized, wrong type behind a right extension,
decompression bombs, file names with paths, NUL bytes and absolute paths, random bytes with image
extensions — each refused with a clear error code, and nothing written outside the blob store
(the data dir and the temp dir are scanned before and after).
"""

from __future__ import annotations

import io
import json
import os
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from hall.server.core.http_errors import domain_status
from hall.server.domain.errors import DomainError
from hall.server.submissions.image_header import MAX_PIXELS, declared_size
from hall.server.submissions.uploads import store
from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer, start_prepared
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

HOLDER = "110101199003071233"


def _png_bomb(width: int, height: int) -> bytes:
    """A valid-looking PNG that declares width×height pixels but carries one compressed row."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1))) + \
        chunk(b"IEND", b"")


def _jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(out, "JPEG")
    return out.getvalue()


def _jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(_jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


# -- the header reader, without a server ------------------------------------------------------------
def test_declared_sizes_are_read_from_headers() -> None:
    assert declared_size(_png_bomb(50000, 50000)) == (50000, 50000)
    assert declared_size(_jpeg((640, 480))) == (640, 480)
    assert declared_size(_jpeg_declaring(65000, 65000)) == (65000, 65000)
    assert declared_size(b"%PDF-1.7") is None
    assert declared_size(b"\x89PNG\r\n\x1a\n" + b"\0" * 30) is None  # no IHDR: nothing to decode either


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([b"", b"\xff\xd8\xff", b"\xff\xd8", b"\x89PNG\r\n\x1a\n", b"%PDF-", b"GIF89a"]),
       st.binary(max_size=600))
def test_random_bytes_are_stored_or_refused_with_a_code(tmp_path: Path, magic: bytes, tail: bytes) -> None:
    """Random bytes behind every magic the server knows (and some it does not): stored, or refused
    with 413/415; never another exception, never a temp file left behind."""
    data = magic + tail
    size = declared_size(data)
    assert size is None or min(size) >= 0
    try:
        stored = store(io.BytesIO(data), tmp_path, max_bytes=500, budget=10_000)
        assert stored.size == len(data)
    except DomainError as exc:
        assert domain_status(exc) in (413, 415) and exc.code.startswith("upload.")
    assert not [p for p in (tmp_path / "blobs").rglob(".upload-*")]


# -- against the server ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    workdir = tmp_path_factory.mktemp("uploads")
    tmp = workdir / "tmp"
    tmp.mkdir()
    srv = start_prepared(f"sqlite:///{workdir / 'hall.db'}", workdir, extra_env={"TMPDIR": str(tmp)})
    yield srv
    srv.stop()


def _tree(*roots: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                p = Path(dirpath) / f
                try:
                    out[str(p)] = p.stat().st_size
                except FileNotFoundError:
                    pass
    return out


def _post(server: HallServer, files: list[tuple[str, tuple[str, bytes, str]]]) -> httpx.Response:
    """multipart/form-data written by hand: httpx would percent-encode control characters in names."""
    data = {"item_code": "A-004", "id_number": HOLDER, "proof": card_proof(HOLDER), "form": STANDARD_ANSWERS,
            "materials": [{"requirement": "photo", "file": name} for name, _ in files][:1]}
    boundary = "hostile" + os.urandom(8).hex()
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="data"\r\n\r\n'.encode()
             + json.dumps(data).encode() + b"\r\n"]
    for field, (filename, content, ctype) in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n' \
               f"Content-Type: {ctype}\r\n\r\n"
        parts.append(head.encode("utf-8") + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return httpx.post(f"{server.url}/api/v1/submissions", timeout=budget(60), content=body,
                      headers={"Authorization": f"Bearer {server.tokens['terminal']}",
                               "Content-Type": f"multipart/form-data; boundary={boundary}"})


def _workdir(server: HallServer) -> Path:
    return server.log_path.parent


CASES: list[tuple[str, list[tuple[str, tuple[str, bytes, str]]], int, str]] = [
    ("png bomb 50000x50000", [("f0", ("scan.png", _png_bomb(50000, 50000), "image/png"))],
     413, "upload.image_too_large"),
    ("jpeg bomb 65000x65000", [("f0", ("scan.jpg", _jpeg_declaring(65000, 65000), "image/jpeg"))],
     413, "upload.image_too_large"),
    ("script behind .jpg", [("f0", ("photo.jpg", b"<script>alert(1)</script>", "image/jpeg"))],
     415, "upload.unsupported_type"),
    ("svg behind .png", [("f0", ("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png"))],
     415, "upload.unsupported_type"),
    ("exe behind .pdf", [("f0", ("form.pdf", b"MZ\x90\x00" + os.urandom(64), "application/pdf"))],
     415, "upload.unsupported_type"),
    ("gif behind .jpg", [("f0", ("a.jpg", b"GIF89a" + os.urandom(32), "image/jpeg"))], 415, "upload.unsupported_type"),
    ("empty .jpg", [("f0", ("a.jpg", b"", "image/jpeg"))], 415, "upload.empty"),
    ("relative path", [("f0", ("../../etc/passwd.jpg", _jpeg(), "image/jpeg"))], 422, "upload.bad_filename"),
    ("absolute path", [("f0", ("/etc/passwd.jpg", _jpeg(), "image/jpeg"))], 422, "upload.bad_filename"),
    ("windows path", [("f0", ("..\\..\\boot.ini.jpg", _jpeg(), "image/jpeg"))], 422, "upload.bad_filename"),
    ("NUL in name", [("f0", ("photo.jpg\x00.php", _jpeg(), "image/jpeg"))], 422, "upload.bad_filename"),
    ("newline in name", [("f0", ("photo\n.jpg", _jpeg(), "image/jpeg"))], 422, "upload.bad_filename"),
    ("one file over 10 MB", [("f0", ("big.jpg", b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), "image/jpeg"))],
     413, "upload.file_too_large"),
]


@pytest.mark.parametrize(("case", "files", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_hostile_upload_is_refused_and_writes_nothing(server: HallServer, case: str, files: Any, status: int,
                                                      code: str) -> None:
    roots = (_workdir(server) / "data", _workdir(server) / "tmp", Path(tempfile.gettempdir()) / "etc")
    before = _tree(*roots)
    r = _post(server, files)
    assert r.status_code == status, (case, r.text[:300])
    err = r.json()["error"]
    assert err["code"] == code and err["message"] and err["message_zh"]
    assert "passwd" not in r.text and "boot.ini" not in r.text  # the client's file name never comes back
    after = _tree(*roots)
    new = {p: n for p, n in after.items() if p not in before and not p.endswith(("-wal", "-shm", "-journal"))}
    assert new == {}, new
    assert not Path("/etc/passwd.jpg").exists() and not (_workdir(server) / "etc").exists()


def test_many_files_over_the_submission_cap(server: HallServer) -> None:
    """Five 8.5 MB files (each under the per-file cap, 42.5 MB together: over the submission's 40 MB, under
    the 45 MB a request may declare): refused as a whole, and no blob of the refused submission stays
    behind under a name a later submission could reuse."""
    blobs = _workdir(server) / "data" / "blobs"
    before = _tree(blobs)
    # PDFs: random bytes behind a JPEG's magic may read as any frame size to the image check.
    files = [(f"f{i}", (f"p{i}.pdf", b"%PDF-1.4\n" + os.urandom(8_500_000), "application/pdf")) for i in range(5)]
    r = _post(server, files)
    assert r.status_code == 413 and r.json()["error"]["code"] == "upload.submission_too_large"
    assert {p for p in _tree(blobs) if ".upload-" in p} == set()
    # Files stored before the cap was reached stay as content-addressed blobs without a row; they are
    # inside the store and never served (GET /files needs the row), see docs/security.md.
    assert all(p.startswith(str(blobs)) for p in set(_tree(blobs)) - set(before))


def test_a_real_photo_with_a_plain_name_is_still_accepted(server: HallServer) -> None:
    r = _post(server, [("f0", ("照片 1.jpg", _jpeg((1600, 1200)), "image/jpeg"))])
    assert r.status_code == 201, r.text
    big_but_fine = _png_bomb(8000, 6000)  # 48 megapixels: a phone photo's size
    assert 8000 * 6000 <= MAX_PIXELS
    r = _post(server, [("f0", ("phone.png", big_but_fine, "image/png"))])
    assert r.status_code == 201, r.text
