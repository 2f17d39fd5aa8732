"""Signatures and encryption, on the `cryptography` package's primitives only.

Ed25519 signs (64-byte signatures, deterministic, no nonce to get wrong). Encryption for one
recipient is an ephemeral X25519 key agreement, HKDF-SHA256 to a 256-bit key, and AES-256-GCM:
the sealed form is `ephemeral public key (32) | nonce (12) | ciphertext and tag`. Associated
data binds a ciphertext to the header it travels under, so a sealed part cannot be moved into
another batch.
"""

import base64
import os

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SIGNATURE_SIZE = 64
_RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}
_INFO = b"pcms federation v1"


class CryptoError(ValueError):
    """A signature that does not verify or a ciphertext that does not open."""


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_bytes(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(**_RAW)


def private_bytes(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def verify(public_key: bytes, signature: bytes, data: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        raise CryptoError("signature does not verify") from None


def _key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient,
                info=_INFO).derive(shared)


def seal(recipient_public: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """Encrypt for the holder of the X25519 private key matching `recipient_public`."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = public_bytes(ephemeral)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    nonce = os.urandom(12)
    key = _key(shared, ephemeral_public, recipient_public)
    return ephemeral_public + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(private: X25519PrivateKey, sealed: bytes, aad: bytes = b"") -> bytes:
    if len(sealed) < 32 + 12 + 16:
        raise CryptoError("sealed data is too short")
    ephemeral_public, nonce, ciphertext = sealed[:32], sealed[32:44], sealed[44:]
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _key(shared, ephemeral_public, public_bytes(private))
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except (InvalidTag, ValueError):
        raise CryptoError("sealed data does not open with this node's key") from None
