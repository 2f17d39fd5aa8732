"""This node's identity: its platform code, the address peers reach it at, and two key pairs.

Ed25519 signs everything the node sends (changes, batches, requests); X25519 lets peers encrypt
batches and bundles that only this node can open. The private keys are files under
PCMS_DATA_DIR/keys, readable by the node's user only (0600). The public half travels as one
string, `pcms1.` followed by both public keys in URL-safe base64, which an administrator gives
to the administrators of its peers (`pcms node show`, then `pcms peer add` there).
"""

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.conf import settings

from pcms.federation import crypto

PUBLIC_PREFIX = "pcms1."


class IdentityError(RuntimeError):
    """The node has no identity yet, or its key files are unusable."""


@dataclass(frozen=True)
class Identity:
    code: str
    url: str
    signing: Ed25519PrivateKey
    box: X25519PrivateKey

    @property
    def public_key(self) -> str:
        return format_public_key(crypto.public_bytes(self.signing), crypto.public_bytes(self.box))

    def sign(self, data: bytes) -> bytes:
        return crypto.sign(self.signing, data)

    def open(self, sealed: bytes, aad: bytes = b"") -> bytes:
        return crypto.open_sealed(self.box, sealed, aad)

    @classmethod
    def generate(cls, code: str, url: str = "") -> "Identity":
        return cls(code, url, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())


def format_public_key(signing: bytes, box: bytes) -> str:
    return PUBLIC_PREFIX + crypto.b64(signing + box)


def parse_public_key(text: str) -> tuple[bytes, bytes]:
    """(Ed25519 public key, X25519 public key) from a `pcms1.` string; ValueError if malformed."""
    text = text.strip()
    if not text.startswith(PUBLIC_PREFIX):
        raise ValueError(f"a public key starts with {PUBLIC_PREFIX!r}")
    try:
        raw = crypto.unb64(text[len(PUBLIC_PREFIX):])
    except ValueError:
        raise ValueError("the public key is not valid base64") from None
    if len(raw) != 64:
        raise ValueError("a public key holds 64 bytes")
    return raw[:32], raw[32:]


def key_dir() -> Path:
    return Path(settings.DATA_DIR) / "keys"


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def init(url: str, force: bool = False) -> Identity:
    """Create this node's key pairs (once) and record its address; return the identity."""
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    signing_path, box_path = folder / "signing.key", folder / "encryption.key"
    if force:
        for path in (signing_path, box_path):
            path.unlink(missing_ok=True)
    if not signing_path.exists():
        _write_private(signing_path, crypto.private_bytes(Ed25519PrivateKey.generate()))
    if not box_path.exists():
        _write_private(box_path, crypto.private_bytes(X25519PrivateKey.generate()))
    (folder / "node.json").write_text(json.dumps({"code": settings.PCMS_NODE, "url": url}))
    local_identity.cache_clear()
    return local_identity()


@cache
def local_identity() -> Identity:
    folder = key_dir()
    try:
        info = json.loads((folder / "node.json").read_text())
        signing = Ed25519PrivateKey.from_private_bytes((folder / "signing.key").read_bytes())
        box = X25519PrivateKey.from_private_bytes((folder / "encryption.key").read_bytes())
    except FileNotFoundError:
        raise IdentityError("this node has no identity yet: run `pcms node init --url URL`") from None
    except ValueError as error:
        raise IdentityError(f"the key files under {folder} are unusable: {error}") from None
    if info.get("code") != settings.PCMS_NODE:
        raise IdentityError(f"the keys under {folder} belong to node {info.get('code')}, "
                            f"not to {settings.PCMS_NODE}")
    return Identity(settings.PCMS_NODE, info.get("url", ""), signing, box)
