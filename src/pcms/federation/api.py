"""Peer endpoints at /api/v1/federation/: resumable batch upload (push) and download (pull).

Batches are content-addressed: the SHA-256 of the sealed bytes names them. A push uploads a
batch in chunks at explicit offsets; after a cut, `GET inbox/{sha}` tells how many bytes
arrived (every byte written before the cut counts) and the upload goes on from there. When the
last byte is in, the whole batch is checked against its name and its signature, stored on disk
and acknowledged (`done`); it is applied in the background. Asking again about a stored batch
answers `done`, so a lost answer costs nothing. A pull is the mirror image:
`POST outbox` names the batch waiting for the caller, `GET outbox/{sha}?offset=` reads it in
chunks, and `POST outbox/{sha}/ack` releases it once stored. A node behind a firewall does
both from its side. No user token is accepted here: only a peer's signature (transport.py).
"""

import fcntl
import hashlib
import os
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from pcms.federation import inbox, outbox, tasks, wire
from pcms.federation.models import OutgoingBatch, Peer, ReceivedBatch
from pcms.federation.transport import authenticate, check_body

router = Router(tags=["federation"])
SHA = re.compile(r"[0-9a-f]{64}")
MAX_BATCH_BYTES = 64 * 1024 * 1024


def _sha(value: str) -> str:
    if not SHA.fullmatch(value):
        raise HttpError(404, "A batch is named by its SHA-256 in lower-case hexadecimal.")
    return value


def _contact(peer: Peer, received: int = 0, sent: int = 0) -> None:
    Peer.objects.filter(pk=peer.pk).update(
        last_contact_at=timezone.now(), bytes_received=F("bytes_received") + received,
        bytes_sent=F("bytes_sent") + sent, failures=0, next_attempt_at=None)
    if peer.failures:
        # It was unreachable and is back: send what waits for it now.
        transaction.on_commit(lambda: tasks.push_soon(peer.code))


def process(peer_code: str, sha: str, data: bytes) -> dict:
    """Check and store a complete batch, then acknowledge it; it is applied in the background."""
    try:
        inbox.store_batch(peer_code, sha, data)
    except wire.WireError as error:
        raise HttpError(422, f"Batch refused ({error.reason}): {error.detail}") from None
    tasks.apply_soon()
    return {"done": True}


def _part(peer: Peer, sha: str) -> Path:
    return inbox.incoming_dir() / f"{peer.code}-{sha}.part"


@router.get("/inbox/{sha}", auth=None, summary="How much of a pushed batch has arrived")
def upload_status(request: HttpRequest, sha: str):
    peer = authenticate(request)
    sha = _sha(sha)
    _contact(peer)
    if ReceivedBatch.objects.filter(sender=peer.code, sha256=sha).exists():
        return {"offset": 0, "done": True}
    part = _part(peer, sha)
    return {"offset": part.stat().st_size if part.exists() else 0, "done": False}


@router.put("/inbox/{sha}", auth=None, summary="Upload a chunk of a batch at an offset")
def upload(request: HttpRequest, sha: str, offset: int, size: int):
    """The body is streamed to disk as it arrives, so a cut keeps every byte received."""
    peer = authenticate(request)
    sha = _sha(sha)
    length = int(request.headers.get("Content-Length") or 0)
    if length > settings.FEDERATION_CHUNK_BYTES:
        raise HttpError(413, f"A chunk holds at most {settings.FEDERATION_CHUNK_BYTES} bytes.")
    if not 0 < size <= MAX_BATCH_BYTES or offset + length > size:
        raise HttpError(413, f"A batch holds at most {MAX_BATCH_BYTES} bytes.")
    if ReceivedBatch.objects.filter(sender=peer.code, sha256=sha).exists():
        _contact(peer)
        return {"offset": size, "done": True}
    part = _part(peer, sha)
    with open(part, "ab") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        written = handle.seek(0, os.SEEK_END)
        if written != offset:
            return HttpResponse(status=409, content=f'{{"offset": {written}}}',
                                content_type="application/json")
        digest, received = hashlib.sha256(), 0
        while received < length:
            chunk = request.read(min(65536, length - received))
            if not chunk:
                break
            handle.write(chunk)
            handle.flush()
            digest.update(chunk)
            received += len(chunk)
        os.fsync(handle.fileno())
        if received == length and digest.hexdigest() != request.federation_digest:
            handle.truncate(offset)
            raise HttpError(400, "The chunk does not match its signed digest.")
        written = offset + received
        _contact(peer, received=received)
        if written < size:
            return {"offset": written, "done": False}
        data = part.read_bytes()
        try:
            result = process(peer.code, sha, data)
        except HttpError:
            part.unlink(missing_ok=True)
            raise
    part.unlink(missing_ok=True)
    return {"offset": size, **result}


@router.post("/outbox", auth=None, summary="The batch waiting for the calling peer, if any")
def next_batch(request: HttpRequest):
    peer = authenticate(request)
    check_body(request, request.body)
    _contact(peer)
    batch = outbox.next_batch(peer)
    if batch is None:
        return {"sha256": None}
    return {"sha256": batch.sha256, "size": batch.size, "count": batch.count}


@router.get("/outbox/{sha}", auth=None, summary="Read a waiting batch from an offset")
def download(request: HttpRequest, sha: str, offset: int = 0):
    peer = authenticate(request)
    batch = OutgoingBatch.objects.filter(peer=peer, sha256=_sha(sha)).first()
    if batch is None:
        raise HttpError(404, "No such batch waits for you (already acknowledged?).")
    data = bytes(batch.data)[offset:offset + settings.FEDERATION_CHUNK_BYTES]
    _contact(peer, sent=len(data))
    return HttpResponse(data, content_type="application/octet-stream")


@router.post("/outbox/{sha}/ack", auth=None, summary="Acknowledge a batch pulled and stored")
def acknowledge(request: HttpRequest, sha: str):
    peer = authenticate(request)
    check_body(request, request.body)
    batch = OutgoingBatch.objects.filter(peer=peer, sha256=_sha(sha)).first()
    if batch is not None:
        outbox.acknowledge(batch)
    _contact(peer)
    return {"done": True}
