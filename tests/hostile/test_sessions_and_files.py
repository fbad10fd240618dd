"""Sessions and files (issue 13 item 10) against a real server: logout ends the dashboard session on the
server (the old cookie reads and writes nothing, its live socket is refused), an image's frame header is
found wherever it is (a JPEG declaring 65000×65000 behind 300 KB of comments is refused), polyglots are
refused, and material files are served as downloads the browser must not sniff.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets
from PIL import Image

from tests.rigs.forms import STANDARD_ANSWERS
from tests.rigs.hall_server import HallServer, start_prepared
from tests.rigs.proofs import card_proof
from tests.rigs.waiting import budget

API = "/api/v1"
HOLDER = "110101199003071233"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallServer]:
    workdir = tmp_path_factory.mktemp("files")
    srv = start_prepared(f"sqlite:///{workdir / 'hall.db'}", workdir)
    yield srv
    srv.stop()


# -- logout ---------------------------------------------------------------------------------------------
def _socket_close_code(server: HallServer, cookie: str) -> int | None:
    async def run() -> int | None:
        url = server.url.replace("http://", "ws://") + f"{API}/dashboard/events"
        async with websockets.connect(url, additional_headers={"Cookie": f"hall_dashboard={cookie}"},
                                      open_timeout=budget(5)) as ws:
            try:
                await asyncio.wait_for(ws.recv(), 5)
            except websockets.ConnectionClosed as exc:
                return exc.rcvd.code if exc.rcvd else None
            return None  # the socket said hello: the session is alive
    try:
        return asyncio.run(run())
    except websockets.InvalidStatus as exc:
        return exc.response.status_code


def test_logout_ends_the_session_on_the_server(server: HallServer) -> None:
    client = httpx.Client(base_url=server.url, timeout=budget(10))
    login = client.post(f"{API}/dashboard/login", json={"token": server.tokens["manager"]})
    cookie, csrf = client.cookies["hall_dashboard"], login.json()["csrf"]
    assert client.get(f"{API}/dashboard/overview").status_code == 200
    assert _socket_close_code(server, cookie) is None
    assert client.post(f"{API}/dashboard/logout", headers={"X-CSRF-Token": csrf}).status_code == 200

    # Whoever kept the old cookie (a copied browser profile, a shared PC) can neither read nor write.
    stale = httpx.Client(base_url=server.url, timeout=budget(10), cookies={"hall_dashboard": cookie})
    r = stale.get(f"{API}/dashboard/overview")
    assert r.status_code == 401 and r.json()["error"]["code"] == "dashboard.session_revoked"
    fid = httpx.post(f"{server.url}{API}/help", json={"terminal_id": "kiosk-logout", "message": "help"},
                     headers={"Authorization": f"Bearer {server.tokens['terminal']}"}, timeout=budget(10)).json()["id"]
    r = stale.post(f"{API}/dashboard/followups/{fid}/acknowledge", json={"note": ""}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 401
    assert _socket_close_code(server, cookie) in (403, 4401)
    # A new login works as before, and logging out twice is harmless.
    again = httpx.Client(base_url=server.url, timeout=budget(10))
    assert again.post(f"{API}/dashboard/login", json={"token": server.tokens["manager"]}).status_code == 200
    assert again.get(f"{API}/dashboard/overview").status_code == 200
    assert stale.post(f"{API}/dashboard/logout").status_code == 200


# -- images and polyglots ----------------------------------------------------------------------------------
def _jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 100, 50)).save(out, "JPEG")
    return out.getvalue()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 200, 50)).save(out, "PNG")
    return out.getvalue()


def _comments_then_frame(width: int, height: int, comment_kb: int = 300) -> bytes:
    """A real JPEG whose frame header comes after ``comment_kb`` KB of COM segments, declaring width×height."""
    data = bytearray(_jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    comments = b""
    left = comment_kb * 1024
    while left > 0:
        part = min(left, 65000)
        comments += b"\xff\xfe" + struct.pack(">H", part + 2) + b"x" * part
        left -= part
    return bytes(data[:2]) + comments + bytes(data[2:])


def _zip(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(name, content)
    return out.getvalue()


def _submit(server: HallServer, filename: str, content: bytes, ctype: str) -> httpx.Response:
    data = {"item_code": "A-004", "id_number": HOLDER, "proof": card_proof(HOLDER), "form": STANDARD_ANSWERS,
            "materials": [{"requirement": "photo", "file": "f0"}]}
    return httpx.post(f"{server.url}{API}/submissions", timeout=budget(60),
                      data={"data": json.dumps(data)}, files={"f0": (filename, content, ctype)},
                      headers={"Authorization": f"Bearer {server.tokens['terminal']}"})


def test_frame_header_behind_300_kb_of_comments_is_found(server: HallServer) -> None:
    bomb = _comments_then_frame(65000, 65000)
    r = _submit(server, "scan.jpg", bomb, "image/jpeg")
    assert r.status_code == 413 and r.json()["error"]["code"] == "upload.image_too_large", r.text
    # The same layout with a true size is an ordinary photo.
    honest = _comments_then_frame(64, 48)
    assert _submit(server, "scan.jpg", honest, "image/jpeg").status_code == 201


POLYGLOTS = {
    "jpeg + zip": (_jpeg() + _zip("index.html", b"<script>alert(1)</script>"), "image/jpeg"),
    "jpeg + html after the end": (_jpeg() + b"<html><script>alert(1)</script></html>", "image/jpeg"),
    "png + pdf": (_png() + b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "image/png"),
    "jpeg with a pdf header in a comment": (
        b"\xff\xd8\xff\xfe\x00\x10%PDF-1.4 xxxxx" + _jpeg()[2:], "image/jpeg"),
    "pdf + zip": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + _zip("a.js", b"alert(1)"),
                  "application/pdf"),
    "pdf + html": (b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n", "application/pdf"),
}


@pytest.mark.parametrize("name", sorted(POLYGLOTS))
def test_polyglots_are_refused(server: HallServer, name: str) -> None:
    content, ctype = POLYGLOTS[name]
    r = _submit(server, "m." + ctype.split("/")[1], content, ctype)
    assert r.status_code == 415 and r.json()["error"]["code"] == "upload.polyglot", (name, r.text)
    assert r.json()["error"]["message_zh"]


def test_files_are_served_as_downloads_the_browser_must_not_sniff(server: HallServer) -> None:
    r = _submit(server, "photo.jpg", _jpeg((80, 60)), "image/jpeg")
    assert r.status_code == 201, r.text
    detail = httpx.get(f"{server.url}{API}/submissions/{r.json()['code']}/detail", timeout=budget(10),
                       headers={"Authorization": f"Bearer {server.tokens['clerk']}"}).json()
    sha = detail["materials"][0]["sha256"]
    f = httpx.get(f"{server.url}{API}/files/{sha}", timeout=budget(10),
                  headers={"Authorization": f"Bearer {server.tokens['clerk']}"})
    assert f.status_code == 200 and f.headers["content-type"] == "image/jpeg"
    assert f.headers["x-content-type-options"] == "nosniff"
    assert f.headers["content-disposition"] == f'attachment; filename="{sha}.jpg"'
    assert f.content == _jpeg((80, 60)) or f.content.startswith(b"\xff\xd8")


def test_uploaded_files_are_not_left_behind_when_refused(server: HallServer) -> None:
    blobs = Path(server.log_path.parent / "data" / "blobs")
    before = sorted(p.name for p in blobs.rglob("*")) if blobs.exists() else []
    _submit(server, "x.jpg", POLYGLOTS["jpeg + zip"][0], "image/jpeg")
    after = sorted(p.name for p in blobs.rglob("*")) if blobs.exists() else []
    assert [n for n in after if n.startswith(".upload-")] == []
    assert set(after) - set(before) <= {n for n in after if len(n) == 2}  # no new blob, at most a directory
    assert os.path.isdir(blobs) or not before
