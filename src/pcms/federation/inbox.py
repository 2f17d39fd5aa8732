"""Receiving: check every batch and every change, then apply each change exactly once.

A batch must be signed by a registered peer and addressed to this node. Each change in it must
be signed by its origin (a registered peer, directly or through a relay), name this node among
the recipients it is asked to serve, and be new: its id is recorded in `InboxEntry`, so a copy
that comes again, through a retry, a relay or a bundle, changes nothing. A change about a record
applies only when it comes from that record's owner and is newer than the copy held (`Replica`);
changes carry the whole record, so a late older version is simply superseded. Whatever is
refused is logged in `Rejection`, with the reason and without the content.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.federation import crypto, registry, signals, wire
from pcms.federation.choices import Op, Outcome, Reason
from pcms.federation.keys import Identity, local_identity
from pcms.federation.models import (
    InboxEntry,
    OutboxChange,
    Peer,
    ReceivedBatch,
    Rejection,
    Replica,
)
from pcms.federation.outbox import route

log = logging.getLogger(__name__)


@dataclass
class Receipt:
    sender: str = ""
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


class Refused(Exception):  # noqa: N818 - carries the reason a change is refused
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def reject(reason: str, detail: str, sender: str = "", change_id: str | None = None) -> None:
    log.warning("federation: refused %s from %s: %s", reason, sender or "?", detail)
    Rejection.objects.create(sender=sender[:8], change_id=change_id, reason=reason,
                             detail=detail[:300])
    if sender:
        Peer.objects.filter(code=sender).update(errors=F("errors") + 1)


def incoming_dir() -> Path:
    """Where batches being received are written, byte by byte, until complete."""
    path = Path(settings.DATA_DIR) / "federation" / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def take_batch(sender: str, sha: str, data: bytes) -> dict:
    """A complete batch received from `sender` under the name `sha`: checked, taken in once."""
    if hashlib.sha256(data).hexdigest() != sha:
        raise wire.WireError(Reason.TAMPERED, "the batch does not match its SHA-256")
    if ReceivedBatch.objects.filter(sender=sender, sha256=sha).exists():
        return {"done": True}
    if str(wire.read_header(data).get("from")) != sender:
        raise wire.WireError(Reason.MISADDRESSED, f"a batch sealed by another node than {sender}")
    receipt = receive(data)
    ReceivedBatch.objects.get_or_create(sender=sender, sha256=sha,
                                        defaults={"size": len(data), "count": sum(receipt.outcomes.values())})
    return {"done": True, "outcomes": receipt.outcomes}


def _signing_key(code: str) -> bytes | None:
    peer = Peer.objects.filter(code=code, is_active=True).first()
    return peer.public_keys[0] if peer else None


class _Keys(dict):
    """Peers' signing keys, read once per batch."""

    def __missing__(self, code: str) -> bytes | None:
        self[code] = _signing_key(code)
        return self[code]


def receive(data: bytes, identity: Identity | None = None) -> Receipt:
    """Open a batch (online or a bundle) and take in each of its changes; WireError if refused."""
    identity = identity or local_identity()
    try:
        batch = wire.open_batch(data, identity, _signing_key)
    except wire.WireError as error:
        sender = ""
        try:
            sender = str(wire.read_header(data).get("from", ""))
        except wire.WireError:
            pass
        reject(error.reason, error.detail, sender)
        raise
    receipt = Receipt(batch.sender)
    keys = _Keys()
    # One transaction for the batch (a savepoint per change): a node killed half-way keeps
    # nothing of it, and the sender, unacknowledged, sends it again.
    with transaction.atomic():
        for frame in batch.frames:
            receipt.count(_take(frame, batch.sender, identity, keys))
        retry_waiting(identity)
        Peer.objects.filter(code=batch.sender).update(
            changes_received=F("changes_received") + len(batch.frames),
            last_contact_at=timezone.now())
        record(AuditAction.CREATE, object_type="federation.batch", object_id=batch.batch_id,
               detail={"from": batch.sender, "kind": batch.kind, "changes": receipt.outcomes})
    return receipt


def _take(frame: wire.Frame, sender: str, identity: Identity, keys: _Keys) -> str:
    """One change: checked, recorded once, relayed and/or applied. Returns its outcome."""
    change_id = None
    try:
        change = wire.Change.decode(frame.body)
        change_id = change.change_id
        with transaction.atomic():
            return _accept(change, frame, sender, identity, keys)
    except wire.WireError as error:
        reject(error.reason, error.detail, sender, change_id)
        return error.reason
    except Refused as error:
        reject(error.reason, error.detail, sender, change_id)
        return error.reason
    except Exception as error:  # an applier's bug must not stop the rest of the batch
        log.exception("federation: change %s could not be applied", change_id)
        reject(Reason.FAILED, f"{type(error).__name__}: {error}", sender, change_id)
        return Reason.FAILED


def _accept(change: wire.Change, frame: wire.Frame, sender: str, identity: Identity,
            keys: _Keys) -> str:
    if change.origin == identity.code:
        raise Refused(Reason.NOT_OWNER, f"a change to this node's own {change.record_type}")
    key = keys[change.origin]
    if key is None:
        raise Refused(Reason.UNKNOWN_SENDER, f"change from {change.origin}, who is not a peer")
    try:
        crypto.verify(key, frame.signature, frame.body)
    except crypto.CryptoError:
        raise Refused(Reason.UNSIGNED, f"change not signed by its origin {change.origin}") from None
    targets = set(frame.targets)
    mine = identity.code in targets
    onward = sorted(targets - {identity.code})
    if not targets or not targets <= set(change.audience):
        raise Refused(Reason.MISADDRESSED, f"targets {sorted(targets)} outside the audience")
    if change.sealed_for and targets != {change.sealed_for}:
        raise Refused(Reason.MISADDRESSED, f"sealed for {change.sealed_for}")
    if InboxEntry.objects.filter(change_id=change.change_id).exists():
        raise Refused(Reason.REPLAYED, f"change {change.change_id} already received")
    entry = InboxEntry(change_id=change.change_id, origin=change.origin, sender=sender,
                       record_type=change.record_type, record_id=change.record_id,
                       version=change.version, op=change.op, outcome=Outcome.RELAYED)
    if onward:
        stored, _created = OutboxChange.objects.get_or_create(
            change_id=change.change_id,
            defaults={"origin": change.origin, "record_type": change.record_type,
                      "record_id": change.record_id, "version": change.version, "op": change.op,
                      "audience": list(change.audience), "body": frame.body,
                      "signature": frame.signature})
        route(stored, onward, exclude={sender, change.origin, identity.code})
        transaction.on_commit(_wake)
    if mine:
        entry.outcome = _apply(change, identity, entry, frame)
    entry.save()
    return entry.outcome


def _apply(change: wire.Change, identity: Identity, entry: InboxEntry, frame: wire.Frame) -> str:
    kind = registry.kind_named(change.record_type)
    if kind is None:
        raise Refused(Reason.MALFORMED, f"unknown record type {change.record_type}")
    replica = Replica.objects.select_for_update().filter(
        record_type=kind.name, record_id=change.record_id).first()
    if replica is None:
        existing = kind.get(change.record_id)
        if existing is not None and kind.owner(existing) != change.origin:
            raise Refused(Reason.NOT_OWNER, f"{change.origin} does not own {kind.name} "
                                            f"{change.record_id}")
    elif replica.origin != change.origin:
        raise Refused(Reason.NOT_OWNER, f"{change.origin} does not own {kind.name} "
                                        f"{change.record_id}")
    elif change.version <= replica.version:
        return Outcome.SUPERSEDED
    if change.op == Op.RETRACT:
        kind.retract(change.record_id)
        record(AuditAction.DELETE, object_type=kind.name, object_id=change.record_id,
               detail={"retracted_by": change.origin, "version": change.version})
    else:
        payload = change.payload if not change.sealed_for else wire.open_payload(identity, change)
        if not isinstance(payload, dict):
            raise Refused(Reason.MALFORMED, "a create or update without a payload")
        try:
            kind.apply(change.record_id, payload, change.origin)
        except registry.Deferred as waiting:
            entry.body, entry.signature = frame.body, frame.signature
            entry.waiting_for = waiting.key
            return Outcome.WAITING
    replica = replica or Replica(record_type=kind.name, record_id=change.record_id)
    replica.origin, replica.version = change.origin, change.version
    replica.retracted = change.op == Op.RETRACT
    replica.save()
    transaction.on_commit(lambda: signals.received.send(
        kind.model, record_id=change.record_id, op=change.op, origin=change.origin))
    entry.body, entry.signature, entry.waiting_for = None, None, ""
    return Outcome.APPLIED


def retry_waiting(identity: Identity) -> int:
    """Apply the changes that waited for a record, now that more have arrived."""
    applied = 0
    progress = True
    while progress:
        progress = False
        for entry in InboxEntry.objects.filter(outcome=Outcome.WAITING).order_by("id"):
            record_type, _sep, record_id = entry.waiting_for.partition(":")
            if not Replica.objects.filter(record_type=record_type, record_id=record_id,
                                          retracted=False).exists():
                continue
            frame = wire.Frame((identity.code,), bytes(entry.body), bytes(entry.signature))
            change = wire.Change.decode(frame.body)
            try:
                with transaction.atomic():
                    entry.outcome = _apply(change, identity, entry, frame)
                    entry.save()
            except (Refused, wire.WireError) as error:
                reject(error.reason, error.detail, entry.sender, entry.change_id)
                entry.outcome, entry.body, entry.signature = Outcome.REFUSED, None, None
                entry.save()
            if entry.outcome != Outcome.WAITING:
                applied += 1
                progress = True
    return applied


def _wake() -> None:
    from pcms.federation import tasks

    tasks.push_soon()
