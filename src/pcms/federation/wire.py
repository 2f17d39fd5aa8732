"""The wire format: signed changes, and batches of them sealed for one peer.

A change is canonical JSON (sorted keys, no spaces) signed by its origin with Ed25519. The
signature covers the exact bytes, which travel unchanged from the origin through any relay to
the final recipient; nobody re-serialises them. Its payload is either clear (every node on its
way is in its audience) or sealed for its one final recipient (when it crosses a relay that is
not), so that a relay forwards what it cannot read.

A batch carries changes from one node to the next, online or on a USB stick alike:

    b"PCMS\\x01" | header length (2) | header (JSON) | sealed length (4) | sealed | signature (64)

The header names sender, recipient, batch id, count, kind and compression dictionary. The sealed
part is the frames, zstd-compressed then encrypted for the recipient's X25519 key with the
header as associated data; the signature by the sender covers everything before it. Each frame
is `targets length (2) | targets | body length (4) | body | origin signature (64)`, where targets
are the final recipients the next hop is asked to serve.
"""

import json
import struct
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pcms.federation import compression, crypto
from pcms.federation.choices import Reason
from pcms.federation.keys import Identity

MAGIC = b"PCMS\x01"
OPS = ("create", "update", "retract")


class WireError(ValueError):
    """A batch or change that is refused, with the reason logged for it."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Change:
    change_id: str
    origin: str
    record_type: str
    record_id: str
    version: int
    op: str
    audience: tuple[str, ...]
    payload: dict | None = None
    sealed_for: str = ""
    sealed: bytes = b""

    def encode(self) -> bytes:
        content = {"i": self.change_id, "o": self.origin, "t": self.record_type,
                   "r": self.record_id, "v": self.version, "op": self.op,
                   "a": sorted(self.audience)}
        if self.sealed_for:
            content |= {"s": self.sealed_for, "x": crypto.b64(self.sealed)}
        elif self.payload is not None:
            content["p"] = self.payload
        return canonical(content)

    @classmethod
    def decode(cls, body: bytes) -> "Change":
        try:
            content = json.loads(body)
            change = cls(
                change_id=str(uuid.UUID(content["i"])), origin=str(content["o"]),
                record_type=str(content["t"]), record_id=str(content["r"]),
                version=int(content["v"]), op=str(content["op"]),
                audience=tuple(str(code) for code in content["a"]),
                payload=content.get("p"), sealed_for=str(content.get("s", "")),
                sealed=crypto.unb64(content["x"]) if "x" in content else b"",
            )
        except (ValueError, KeyError, TypeError) as error:
            raise WireError(Reason.MALFORMED, f"unreadable change: {error}") from None
        if change.op not in OPS or change.version < 1:
            raise WireError(Reason.MALFORMED, "unknown operation or version")
        return change


def seal_payload(change_id: str, recipient_box_key: bytes, payload: dict) -> bytes:
    name, packed = compression.compress(canonical(payload))
    return crypto.seal(recipient_box_key, name.encode() + b"\0" + packed, change_id.encode())


def open_payload(identity: Identity, change: Change) -> dict:
    try:
        plain = identity.open(change.sealed, change.change_id.encode())
        name, packed = plain.split(b"\0", 1)
        return json.loads(compression.decompress(packed, name.decode()))
    except (crypto.CryptoError, compression.CompressionError, ValueError) as error:
        raise WireError(Reason.TAMPERED, f"sealed payload does not open: {error}") from None


@dataclass(frozen=True)
class Frame:
    targets: tuple[str, ...]
    body: bytes
    signature: bytes

    def pack(self) -> bytes:
        targets = ",".join(self.targets).encode()
        return (struct.pack(">H", len(targets)) + targets + struct.pack(">I", len(self.body))
                + self.body + self.signature)


def unpack_frames(data: bytes) -> list[Frame]:
    frames, at = [], 0
    try:
        while at < len(data):
            (length,) = struct.unpack_from(">H", data, at)
            targets = data[at + 2:at + 2 + length].decode()
            at += 2 + length
            (length,) = struct.unpack_from(">I", data, at)
            body = data[at + 4:at + 4 + length]
            signature = data[at + 4 + length:at + 4 + length + crypto.SIGNATURE_SIZE]
            at += 4 + length + crypto.SIGNATURE_SIZE
            if len(body) != length or len(signature) != crypto.SIGNATURE_SIZE:
                raise ValueError("truncated frame")
            frames.append(Frame(tuple(t for t in targets.split(",") if t), body, signature))
    except (struct.error, ValueError, UnicodeDecodeError) as error:
        raise WireError(Reason.MALFORMED, f"unreadable frames: {error}") from None
    return frames


@dataclass(frozen=True)
class Batch:
    sender: str
    recipient: str
    batch_id: str
    kind: str
    frames: list[Frame] = field(default_factory=list)


def seal_batch(identity: Identity, recipient: str, recipient_box_key: bytes,
               frames: Iterable[Frame], kind: str = "batch") -> bytes:
    frames = list(frames)
    name, packed = compression.compress(b"".join(frame.pack() for frame in frames))
    header = canonical({"v": 1, "from": identity.code, "to": recipient, "id": str(uuid.uuid4()),
                        "n": len(frames), "kind": kind, "z": name})
    head = MAGIC + struct.pack(">H", len(header)) + header
    sealed = crypto.seal(recipient_box_key, packed, head)
    signed = head + struct.pack(">I", len(sealed)) + sealed
    return signed + identity.sign(signed)


def read_header(data: bytes) -> dict:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 2:
        raise WireError(Reason.MALFORMED, "not a pcms batch")
    (length,) = struct.unpack_from(">H", data, len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC) + 2:len(MAGIC) + 2 + length])
        str(header["from"]), str(header["to"]), int(header["n"]), str(header["z"])
    except (ValueError, KeyError, TypeError):
        raise WireError(Reason.MALFORMED, "unreadable batch header") from None
    return header


def open_batch(data: bytes, identity: Identity,
               signing_key_of: Callable[[str], bytes | None]) -> Batch:
    """Check the sender's signature and the address, then decrypt and unpack the frames."""
    header = read_header(data)
    sender, recipient = str(header["from"]), str(header["to"])
    head_length = len(MAGIC) + 2 + struct.unpack_from(">H", data, len(MAGIC))[0]
    if len(data) < head_length + 4 + crypto.SIGNATURE_SIZE:
        raise WireError(Reason.MALFORMED, "truncated batch")
    signed, signature = data[:-crypto.SIGNATURE_SIZE], data[-crypto.SIGNATURE_SIZE:]
    key = signing_key_of(sender)
    if key is None:
        raise WireError(Reason.UNKNOWN_SENDER, f"batch from {sender}, who is not a peer")
    try:
        crypto.verify(key, signature, signed)
    except crypto.CryptoError:
        raise WireError(Reason.UNSIGNED, f"batch claiming to come from {sender} is not signed "
                                         "by its key") from None
    if recipient != identity.code:
        raise WireError(Reason.MISADDRESSED, f"batch addressed to {recipient}")
    (length,) = struct.unpack_from(">I", data, head_length)
    sealed = data[head_length + 4:head_length + 4 + length]
    try:
        packed = identity.open(sealed, data[:head_length])
        frames = unpack_frames(compression.decompress(packed, str(header["z"])))
    except (crypto.CryptoError, compression.CompressionError) as error:
        raise WireError(Reason.TAMPERED, f"batch does not open: {error}") from None
    if len(frames) != int(header["n"]):
        raise WireError(Reason.TAMPERED, "batch holds another number of changes than announced")
    return Batch(sender, recipient, str(header.get("id", "")), str(header.get("kind", "")), frames)
