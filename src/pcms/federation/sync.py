"""Synchronising with peers over HTTP: push what waits for them, pull what waits for us.

Both directions run from this side, so a node behind a firewall that only lets connections out
exchanges fully with a peer it can reach. One batch at a time per peer keeps changes in order;
a batch is resumed at the byte where a cut left it, in either direction. The receiver
acknowledges a batch once it has stored it and applies it in the background, so the next batch
is on its way while the previous one is applied. A failure leaves
everything in place and sets the next attempt after an exponential back-off (5 s doubling, up
to PCMS_FEDERATION_MAX_BACKOFF), and contact from the peer resets it.
"""

import hashlib
import http.client
import json
import logging
import random
import urllib.parse
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from pcms.federation import inbox, outbox, wire
from pcms.federation.keys import Identity, local_identity
from pcms.federation.models import Peer
from pcms.federation.transport import sign_request

log = logging.getLogger(__name__)
MAX_BATCHES = 50
API = "/api/v1/federation"


class SyncError(RuntimeError):
    pass


@dataclass
class Report:
    peer: str
    pushed: int = 0
    pulled: int = 0
    errors: list[str] = field(default_factory=list)
    busy: bool = False  # another process of this node was synchronising with the peer


class Client:
    """Signed requests to one peer, counting the bytes on the wire both ways."""

    def __init__(self, peer: Peer, identity: Identity, timeout: float = 30) -> None:
        url = urllib.parse.urlsplit(peer.url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise SyncError(f"{peer.code} has no usable address: {peer.url!r}")
        self.peer, self.identity, self.timeout, self.url = peer, identity, timeout, url
        self.sent = self.received = 0

    def request(self, method: str, path: str, body: bytes = b"", query: dict | None = None,
                expect: tuple[int, ...] = (200,)) -> tuple[int, bytes]:
        target = self.url.path.rstrip("/") + API + path
        if query:
            target += "?" + urllib.parse.urlencode(query)
        headers = sign_request(self.identity, self.peer.code, method, target, body)
        headers |= {"Content-Type": "application/octet-stream", "Content-Length": str(len(body))}
        connection_class = (http.client.HTTPSConnection if self.url.scheme == "https"
                            else http.client.HTTPConnection)
        connection = connection_class(self.url.hostname, self.url.port, timeout=self.timeout)
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise SyncError(f"{self.peer.code} unreachable: {type(error).__name__}: {error}") from None
        finally:
            connection.close()
        self.sent += len(body) + len(target) + sum(len(k) + len(v) + 4 for k, v in headers.items())
        self.received += len(data) + 200
        if response.status not in expect:
            text = data[:200].decode(errors="replace")
            raise SyncError(f"{self.peer.code} answered {response.status}: {text}")
        return response.status, data

    def json(self, method: str, path: str, body: bytes = b"", query: dict | None = None,
             expect: tuple[int, ...] = (200,)) -> dict:
        _status, data = self.request(method, path, body, query, expect)
        return json.loads(data or b"{}")


def push(client: Client) -> int:
    """Upload pending batches, each resumed from what the peer already holds."""
    count = 0
    chunk = settings.FEDERATION_CHUNK_BYTES
    for _ in range(MAX_BATCHES):
        batch = outbox.next_batch(client.peer, client.identity)
        if batch is None:
            break
        data = bytes(batch.data)
        state = client.json("GET", f"/inbox/{batch.sha256}")
        offset = int(state["offset"])
        while not state.get("done"):
            status, answer = client.request(
                "PUT", f"/inbox/{batch.sha256}", data[offset:offset + chunk],
                {"offset": offset, "size": len(data)}, expect=(200, 409))
            state = json.loads(answer)
            offset = int(state["offset"])
        outbox.acknowledge(batch)
        count += batch.count
    return count


def pull(client: Client) -> int:
    """Download the batches waiting at the peer, resuming partial downloads; each is stored,
    then acknowledged, and applied in the background."""
    count = 0
    for _ in range(MAX_BATCHES):
        offer = client.json("POST", "/outbox")
        sha = offer.get("sha256")
        if not sha:
            break
        part = inbox.incoming_dir() / f"pull-{client.peer.code}-{sha}.part"
        size = int(offer["size"])
        with open(part, "ab") as handle:
            while handle.tell() < size:
                _status, data = client.request("GET", f"/outbox/{sha}", query={"offset": handle.tell()})
                if not data:
                    raise SyncError(f"{client.peer.code} sent an empty chunk")
                handle.write(data)
                handle.flush()
        data = part.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            part.unlink()
            raise SyncError(f"batch {sha[:12]} from {client.peer.code} does not match its name")
        try:
            inbox.store_batch(client.peer.code, sha, data, client.identity)
        except wire.WireError as error:
            part.unlink()
            raise SyncError(f"batch from {client.peer.code} refused: {error.detail}") from None
        client.request("POST", f"/outbox/{sha}/ack")
        part.unlink()
        count += int(offer.get("count", 0))
    if count:
        from pcms.federation import tasks

        tasks.apply_soon()
    return count


def sync_peer(peer: Peer, identity: Identity | None = None) -> Report:
    """Push then pull with one directly reachable peer, recording the outcome on it; nothing when
    another process of this node is already at it (both would resume the same partial batch)."""
    with inbox.node_lock(f"sync-{peer.code}", wait=False) as alone:
        if not alone:
            return Report(peer.code, busy=True)
        return _sync_peer(peer, identity or local_identity())


def _sync_peer(peer: Peer, identity: Identity) -> Report:
    report = Report(peer.code)
    client = None
    try:
        client = Client(peer, identity)
        report.pushed = push(client)
        report.pulled = pull(client)
    except SyncError as error:
        report.errors.append(str(error))
    except wire.WireError as error:
        report.errors.append(error.detail)
    now = timezone.now()
    traffic = {"bytes_sent": F("bytes_sent") + (client.sent if client else 0),
               "bytes_received": F("bytes_received") + (client.received if client else 0)}
    if report.errors:
        failures = peer.failures + 1
        delay = min(5 * 2 ** min(failures - 1, 16), settings.FEDERATION_MAX_BACKOFF)
        delay *= random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security
        Peer.objects.filter(pk=peer.pk).update(
            failures=failures, errors=F("errors") + 1, last_error=report.errors[0][:300],
            last_error_at=now, next_attempt_at=now + timedelta(seconds=delay), **traffic)
        log.info("federation: sync with %s failed: %s", peer.code, report.errors[0])
    else:
        Peer.objects.filter(pk=peer.pk).update(
            failures=0, next_attempt_at=None, last_contact_at=now, **traffic)
    return report


def reachable():
    """Peers this node connects to itself: active, direct, with an address."""
    return Peer.objects.filter(is_active=True, via__isnull=True).exclude(url="")


def sync_all(code: str | None = None, due_only: bool = False) -> list[Report]:
    peers = reachable()
    if code:
        peers = peers.filter(code=code)
    if due_only:
        peers = peers.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
    peers = list(peers)
    if not peers:  # a node on its own needs no identity, and its worker has nothing to do here
        return []
    identity = local_identity()
    return [sync_peer(peer, identity) for peer in peers]
