"""Secrets of the server: API token hashing, the master key, ID-number hashing and field encryption.

The master key (32 bytes) comes from ``HALL_SERVER_KEY`` (base64) or ``<data_dir>/server.key``
(created 0600). Replicas must share it. Sub-keys are derived with HKDF so the hash key and the
encryption key are never the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hall.server.domain.identity import hash_id_number

KEY_ENV = "HALL_SERVER_KEY"
_NONCE = 12


def new_token() -> str:
    """256 random bits, URL-safe; never starting with "-", which a command line (``--admin-token T``)
    would read as an option."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def hash_token(token: str) -> str:
    # Tokens are 256-bit random strings: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load_master_key(data_dir: Path) -> bytes:
    raw = os.environ.get(KEY_ENV, "").strip()
    if raw:
        key = base64.b64decode(raw)
        if len(key) != 32:
            raise ValueError(f"{KEY_ENV} must be 32 bytes, base64-encoded")
        return key
    path = data_dir / "server.key"
    if path.exists():
        return base64.b64decode(path.read_text().strip())
    data_dir.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(base64.b64encode(key).decode())
    return key


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class Keyring:
    """ID hashing and AES-GCM encryption of personal fields with keys derived from the master key."""

    def __init__(self, master: bytes) -> None:
        self._hash_key = _derive(master, b"hall-id-hash")
        self._aes = AESGCM(_derive(master, b"hall-personal-data"))
        self._code_key = _derive(master, b"hall-service-code")
        # Signs the dashboard's session cookies (and their CSRF tokens).
        self.session_key = _derive(master, b"hall-dashboard-session")

    def id_hash(self, id_number: str) -> str:
        """HMAC of a valid ID number (raises the domain's InvalidIdNumber otherwise)."""
        return hash_id_number(id_number, key=self._hash_key)

    def sign_code(self, text: str) -> str:
        """HMAC-SHA256 of a service code's body under its own derived key, 128 bits, base64url."""
        mac = hmac.new(self._code_key, text.encode("ascii"), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def encrypt(self, data: dict[str, Any]) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aes.encrypt(nonce, json.dumps(data, ensure_ascii=False).encode(), None)

    def decrypt(self, blob: bytes) -> dict[str, Any]:
        plain = self._aes.decrypt(blob[:_NONCE], blob[_NONCE:], None)
        result: dict[str, Any] = json.loads(plain)
        return result
