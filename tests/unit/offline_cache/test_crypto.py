"""Key loading (environment, 0600 file) and AES-GCM sealing of outbox blobs."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest

from offline_cache.crypto import Cipher, load_key
from offline_cache.errors import DecryptFailed, KeyUnavailable


def test_key_file_created_0600_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("T_OUTBOX_KEY", raising=False)
    path = tmp_path / "sub" / "outbox.key"
    first = load_key(env_var="T_OUTBOX_KEY", key_file=path)
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(env_var="T_OUTBOX_KEY", key_file=path) == first


def test_loose_key_file_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "outbox.key"
    key = os.urandom(32)
    path.write_text(base64.b64encode(key).decode())
    path.chmod(0o644)
    assert load_key(env_var="T_UNSET_KEY_VAR", key_file=path) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("encode", [bytes.hex, base64.b64encode, base64.urlsafe_b64encode])
def test_environment_key_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encode: object) -> None:
    key = os.urandom(32)
    text = encode(key)  # type: ignore[operator]
    monkeypatch.setenv("T_OUTBOX_KEY", text if isinstance(text, str) else text.decode())
    assert load_key(env_var="T_OUTBOX_KEY", key_file=tmp_path / "never") == key
    assert not (tmp_path / "never").exists()


@pytest.mark.parametrize("bad", ["short", "00" * 31, "not base64 at all!!"])
def test_malformed_keys_are_typed_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("T_OUTBOX_KEY", bad)
    with pytest.raises(KeyUnavailable) as info:
        load_key(env_var="T_OUTBOX_KEY", key_file=tmp_path / "k")
    assert info.value.code == "cache.key"
    assert bad not in str(info.value)


def test_sealed_blobs_are_bound_to_key_and_context() -> None:
    cipher = Cipher(os.urandom(32))
    blob = cipher.encrypt(b"110101199003071234", context="record:a")
    assert b"110101199003071234" not in blob
    assert cipher.decrypt(blob, context="record:a") == b"110101199003071234"
    with pytest.raises(DecryptFailed):
        cipher.decrypt(blob, context="record:b")
    with pytest.raises(DecryptFailed):
        Cipher(os.urandom(32)).decrypt(blob, context="record:a")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(DecryptFailed):
        cipher.decrypt(tampered, context="record:a")
    with pytest.raises(DecryptFailed):
        cipher.decrypt(b"junk", context="record:a")


def test_digest_is_keyed() -> None:
    data = b"a material image"
    assert Cipher(os.urandom(32)).digest(data) != Cipher(os.urandom(32)).digest(data)


def test_attachment_swapped_under_another_name_is_refused(tmp_path: Path) -> None:
    from offline_cache.attachments import AttachmentStore

    files = AttachmentStore(tmp_path / "files", Cipher(os.urandom(32)))
    first, _ = files.put(b"\xff\xd8\xff first page")
    second, _ = files.put(b"\xff\xd8\xff second page")
    assert files.get(first) == b"\xff\xd8\xff first page"
    files.path(second).write_bytes(files.path(first).read_bytes())  # valid ciphertext, wrong name
    with pytest.raises(DecryptFailed):
        files.get(second)
