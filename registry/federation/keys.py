"""This register's signing key, and signing and checking federation requests.

Ed25519 (RFC 8032) through the `cryptography` package. The private key is made on first use and
kept in the data folder beside the database (`federation_key.pem`, readable by its owner only);
the public key is shared as 43 characters of unpadded base64url (the raw 32 bytes).

A request is signed over one canonical text (`canonical`): a version tag, the method, the path with
its query string, the SHA-256 of the body, a timestamp (Unix seconds) and a random nonce, so a
signature cannot be moved to another request, and a captured request cannot be replayed: the
receiver refuses a timestamp more than `MAX_SKEW_SECONDS` away and a nonce it has already seen.
The answer is signed the same way over its status, the request's nonce and its body's SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "federation_key.pem"
MAX_SKEW_SECONDS = 300
HEADERS = ("X-Farmwatch-Key", "X-Farmwatch-Timestamp", "X-Farmwatch-Nonce", "X-Farmwatch-Signature")


class SignatureError(ValueError):
    """A request or answer whose signature is missing, malformed, stale, replayed or wrong."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_or_create_key(data_folder: Path | str) -> Ed25519PrivateKey:
    """The register's private key from `data_folder/federation_key.pem`, made (mode 0600) if missing."""
    path = Path(data_folder) / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise SignatureError(f"{path} does not hold an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(partial, path)  # atomic, and never replaces a key another process made meanwhile
    except FileExistsError:
        return load_or_create_key(data_folder)
    finally:
        os.unlink(partial)
    return key


def public_key_text(key: Ed25519PrivateKey) -> str:
    """The public half as 43 base64url characters."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _b64(raw)


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A peer's public key from its text form; raises SignatureError naming what is wrong."""
    try:
        raw = _unb64(text or "")
    except (ValueError, TypeError):
        raise SignatureError(f'public key "{(text or "")[:60]}" is not base64url text') from None
    if len(raw) != 32:
        raise SignatureError(f'public key "{(text or "")[:60]}" is {len(raw)} bytes, an Ed25519 key is 32 '
                             "(copy it whole from 'farmwatch federation key' on the other register)")
    return Ed25519PublicKey.from_public_bytes(raw)


def canonical(method: str, path: str, body: bytes, timestamp: str, nonce: str) -> bytes:
    """The text a request's signature covers."""
    digest = hashlib.sha256(body or b"").hexdigest()
    return f"farmwatch-federation-v1\n{method.upper()}\n{path}\n{digest}\n{timestamp}\n{nonce}".encode()


def answer_canonical(status: int, nonce: str, body: bytes) -> bytes:
    """The text an answer's signature covers."""
    return f"farmwatch-federation-v1-answer\n{status}\n{nonce}\n{hashlib.sha256(body or b'').hexdigest()}".encode()


def sign_request(key: Ed25519PrivateKey, method: str, path: str, body: bytes = b"",
                 now: float | None = None) -> dict[str, str]:
    """The headers that sign this request (path includes the query string)."""
    timestamp = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(16)
    signature = key.sign(canonical(method, path, body, timestamp, nonce))
    return dict(zip(HEADERS, (public_key_text(key), timestamp, nonce, _b64(signature)), strict=True))


@dataclass(frozen=True)
class SignedRequest:
    key: str
    timestamp: int
    nonce: str


def check_request(headers, method: str, path: str, body: bytes, known_keys: set[str],
                  now: float | None = None) -> SignedRequest:
    """Check a request's signature headers (a case-insensitive mapping) against the peers' keys;
    returns who signed it, or raises SignatureError saying why not. Replay (a nonce seen before) is
    the caller's check, since it needs the store of nonces."""
    values = {h: (headers.get(h) or headers.get(h.lower()) or "").strip() for h in HEADERS}
    missing = [h for h, v in values.items() if not v]
    if missing:
        raise SignatureError(f"unsigned request: {', '.join(missing)} missing")
    key_text, timestamp, nonce, signature = (values[h] for h in HEADERS)
    if key_text not in known_keys:
        raise SignatureError("signed by a key that is not a peer of this register")
    if not timestamp.isdigit() or len(nonce) > 100:
        raise SignatureError("malformed timestamp or nonce")
    skew = abs((now if now is not None else time.time()) - int(timestamp))
    if skew > MAX_SKEW_SECONDS:
        raise SignatureError(f"timestamp is {int(skew)} s away from this register's clock (at most {MAX_SKEW_SECONDS})")
    try:
        parse_public_key(key_text).verify(_unb64(signature), canonical(method, path, body, timestamp, nonce))
    except (InvalidSignature, ValueError):
        raise SignatureError("the signature does not match the request") from None
    return SignedRequest(key_text, int(timestamp), nonce)


def sign_answer(key: Ed25519PrivateKey, status: int, nonce: str, body: bytes) -> dict[str, str]:
    """Headers that sign an answer to the request with this nonce."""
    return {"X-Farmwatch-Key": public_key_text(key),
            "X-Farmwatch-Signature": _b64(key.sign(answer_canonical(status, nonce, body)))}


def check_answer(headers, status: int, nonce: str, body: bytes, peer_key: str) -> None:
    """Raise SignatureError unless the answer is signed by the peer's key for our request."""
    signature = headers.get("X-Farmwatch-Signature") or headers.get("x-farmwatch-signature")
    if not signature:
        raise SignatureError("the answer is not signed")
    try:
        parse_public_key(peer_key).verify(_unb64(signature), answer_canonical(status, nonce, body))
    except (InvalidSignature, ValueError):
        raise SignatureError("the answer is not signed by the peer's key") from None
