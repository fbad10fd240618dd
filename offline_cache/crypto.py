"""AES-GCM for everything personal in the outbox; the key comes from the environment or a 0600 file.

The environment variable (base64 or hex of 32 bytes) wins so a terminal image can be cloned
without its key; otherwise the key file is created on first run with mode 0600. Each ciphertext
is bound to its record (associated data) so blobs cannot be swapped between rows unnoticed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from offline_cache.errors import DecryptFailed, KeyUnavailable

log = logging.getLogger(__name__)

KEY_BYTES = 32
_VERSION = b"\x01"
_NONCE_BYTES = 12


def _decode_key(text: str, *, source: str) -> bytes:
    text = text.strip()
    for decode in (bytes.fromhex, base64.b64decode, base64.urlsafe_b64decode):
        try:
            raw = decode(text)
        except (ValueError, binascii.Error):
            continue
        if len(raw) == KEY_BYTES:
            return raw
    raise KeyUnavailable(f"{source}: expected {KEY_BYTES} bytes as hex or base64")


def load_key(*, env_var: str, key_file: Path) -> bytes:
    """The outbox key from ``env_var`` if set, else from ``key_file`` (created 0600 if missing).

    Raises KeyUnavailable when the value is malformed or the file cannot be read or created.
    """
    from_env = os.environ.get(env_var, "")
    if from_env.strip():
        return _decode_key(from_env, source=f"environment variable {env_var}")
    try:
        text = key_file.read_text(encoding="ascii")
    except FileNotFoundError:
        return _create_key_file(key_file)
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyUnavailable(f"{key_file}: cannot read key file ({exc.__class__.__name__})") from exc
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if mode & 0o077:
        # A readable key defeats encryption at rest: tighten it rather than refuse to serve citizens.
        log.warning("outbox key file %s had mode %o; set to 0600", key_file, mode)
        key_file.chmod(0o600)
    return _decode_key(text, source=str(key_file))


def _create_key_file(key_file: Path) -> bytes:
    key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
    try:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process created it between our read and our create: use theirs.
        return _decode_key(key_file.read_text(encoding="ascii"), source=str(key_file))
    except OSError as exc:
        raise KeyUnavailable(f"{key_file}: cannot create key file ({exc.__class__.__name__})") from exc
    try:
        os.write(fd, base64.b64encode(key) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    log.info("created outbox key file %s (mode 0600)", key_file)
    return key


class Cipher:
    """Encrypts blobs with AES-256-GCM; ``digest`` names content without revealing it."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise KeyUnavailable(f"expected a {KEY_BYTES}-byte key")
        self._aead = AESGCM(key)
        # A keyed hash: a plain SHA-256 of an ID-card photo would let anyone confirm a guess.
        self._hash_key = hmac.new(key, b"outbox attachment names", hashlib.sha256).digest()

    def encrypt(self, plaintext: bytes, *, context: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def decrypt(self, blob: bytes, *, context: str) -> bytes:
        """Raises DecryptFailed for a wrong key, a foreign context or tampered data."""
        if len(blob) < 1 + _NONCE_BYTES + 16 or blob[:1] != _VERSION:
            raise DecryptFailed("not an outbox ciphertext")
        nonce, body = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, body, context.encode())
        except InvalidTag as exc:
            raise DecryptFailed("wrong key or tampered data") from exc

    def digest(self, data: bytes) -> str:
        return hmac.new(self._hash_key, data, hashlib.sha256).hexdigest()
