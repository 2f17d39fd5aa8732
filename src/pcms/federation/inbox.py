"""Receiving: check every batch and every change, store, then apply each change exactly once.

A batch must be signed by a registered peer and addressed to this node. Once checked it is
written to disk (fsync'd) with a `ReceivedBatch` row saying it is pending, and only then
acknowledged: the sender goes on with its next batch while this node applies the stored ones in
the background, in the order they arrived, each in one transaction (`apply_pending`, run by the
task queue, by `pcms sync` and at start-up). A node that stops between storing and applying, or
in the middle of applying, keeps the batch pending and applies it whole later.

Each change in a batch must be signed by its origin (a registered peer, directly or through a
relay), name this node among the recipients it is asked to serve, and be new: its id is recorded
in `InboxEntry`, so a copy that comes again, through a retry, a relay or a bundle, changes
nothing. A change about a record applies only when it comes from that record's owner and is
newer than the copy held (`Replica`); changes carry the whole record, so a late older version is
simply superseded. The changes of a batch are checked and applied together, with a few queries
for all of them, and written in bulk where the record type allows it. Whatever is refused is
logged in `Rejection`, with the reason and without the content.
"""

import fcntl
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
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
ORPHAN_SECONDS = 3600


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


def _folder(name: str) -> Path:
    path = Path(settings.DATA_DIR) / "federation" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def incoming_dir() -> Path:
    """Where batches being received are written, byte by byte, until complete."""
    return _folder("incoming")


def received_dir() -> Path:
    """Where complete, checked batches wait to be applied."""
    return _folder("received")


def _stored_path(sender: str, sha: str) -> Path:
    return received_dir() / f"{sender}-{sha}.batch"


def _write_durably(path: Path, data: bytes) -> None:
    """Write, fsync, rename into place and fsync the folder: on disk whatever happens next."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _check_name(sender: str, sha: str, data: bytes) -> None:
    if hashlib.sha256(data).hexdigest() != sha:
        raise wire.WireError(Reason.TAMPERED, "the batch does not match its SHA-256")
    if str(wire.read_header(data).get("from")) != sender:
        raise wire.WireError(Reason.MISADDRESSED, f"a batch sealed by another node than {sender}")


def store_batch(sender: str, sha: str, data: bytes, identity: Identity | None = None) -> bool:
    """A complete batch from `sender` named `sha`: checked (signature, address, it opens), written
    to disk and recorded as pending. False if this node already holds it. WireError if refused."""
    if ReceivedBatch.objects.filter(sender=sender, sha256=sha).exists():
        return False
    _check_name(sender, sha, data)
    batch = _open(data, identity or local_identity())
    _write_durably(_stored_path(sender, sha), data)
    _row, created = ReceivedBatch.objects.get_or_create(
        sender=sender, sha256=sha, defaults={"size": len(data), "count": len(batch.frames)})
    return created


def take_batch(sender: str, sha: str, data: bytes) -> dict:
    """Store a batch and apply it now (a bundle carried by hand, a test): its outcomes."""
    if ReceivedBatch.objects.filter(sender=sender, sha256=sha).exists():
        return {"done": True}
    store_batch(sender, sha, data)
    apply_pending()
    row = ReceivedBatch.objects.get(sender=sender, sha256=sha)
    return {"done": True, "outcomes": row.outcomes}


@contextmanager
def node_lock(name: str, *, wait: bool = True) -> Iterator[bool]:
    """Whether this process holds the node's lock `name`, whatever other process of the node
    asks for it (the worker, `pcms sync`, the server); without `wait`, False at once when another
    holds it. The lock is the operating system's: a process killed holding it leaves none behind."""
    with open(_folder("") / f"{name}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def apply_pending(identity: Identity | None = None) -> int:
    """Apply the stored batches in the order they arrived; the number applied.

    Each batch is applied in one transaction; an error other than a refusal (the database gone
    away, the node stopping) leaves it and those after it pending, for the next call."""
    applied = 0
    with node_lock("apply"):  # one applier at a time on this node
        while True:
            stored = (ReceivedBatch.objects.filter(applied_at__isnull=True).order_by("id")
                      .first())
            if stored is None:
                break
            path = _stored_path(stored.sender, stored.sha256)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                log.error("federation: stored batch %s from %s is missing from %s",
                          stored.sha256[:12], stored.sender, path.parent)
                reject(Reason.FAILED, f"stored batch {stored.sha256[:12]} missing", stored.sender)
                ReceivedBatch.objects.filter(pk=stored.pk).update(applied_at=timezone.now())
                continue
            try:
                receive(data, identity, stored=stored)
            except wire.WireError:
                ReceivedBatch.objects.filter(pk=stored.pk).update(applied_at=timezone.now())
            path.unlink(missing_ok=True)
            applied += 1
        _tidy()
    return applied


def _tidy() -> None:
    """Remove files of batches already applied (a stop between commit and unlink) and old
    files no row names (a stop between writing and recording; the sender sends again). A file
    whose row is pending, or so recent that its row may be on its way, stays."""
    files = list(received_dir().glob("*.batch"))
    if not files:
        return
    rows = {f"{sender}-{sha}.batch": applied_at for sender, sha, applied_at in
            ReceivedBatch.objects.filter(sha256__in=[path.stem.partition("-")[2] for path in files])
            .values_list("sender", "sha256", "applied_at")}
    for path in files:
        if path.name in rows:
            if rows[path.name] is not None:
                path.unlink(missing_ok=True)
        elif time.time() - path.stat().st_mtime > ORPHAN_SECONDS:
            path.unlink(missing_ok=True)


def _signing_key(code: str) -> bytes | None:
    peer = Peer.objects.filter(code=code, is_active=True).first()
    return peer.public_keys[0] if peer else None


class _Keys(dict):
    """Peers' signing keys, read once per batch."""

    def __missing__(self, code: str) -> bytes | None:
        self[code] = _signing_key(code)
        return self[code]


def _open(data: bytes, identity: Identity) -> wire.Batch:
    try:
        return wire.open_batch(data, identity, _signing_key)
    except wire.WireError as error:
        sender = ""
        try:
            sender = str(wire.read_header(data).get("from", ""))
        except wire.WireError:
            pass
        reject(error.reason, error.detail, sender)
        raise


def receive(data: bytes, identity: Identity | None = None,
            stored: ReceivedBatch | None = None) -> Receipt:
    """Open a batch and take in each of its changes; WireError if refused. With `stored`, the
    batch's row is marked applied in the same transaction."""
    identity = identity or local_identity()
    batch = _open(data, identity)
    receipt = Receipt(batch.sender)
    # One transaction for the batch: a node stopped half-way keeps nothing of it, and the
    # batch is still pending (stored) or unacknowledged (the sender sends it again).
    with transaction.atomic():
        if stored is not None and not ReceivedBatch.objects.select_for_update().filter(
                pk=stored.pk, applied_at__isnull=True).exists():
            return receipt
        _take_all(batch.frames, batch.sender, identity, receipt)
        retry_waiting(identity)
        Peer.objects.filter(code=batch.sender).update(
            changes_received=F("changes_received") + len(batch.frames),
            last_contact_at=timezone.now())
        record(AuditAction.CREATE, object_type="federation.batch", object_id=batch.batch_id,
               detail={"from": batch.sender, "kind": batch.kind, "changes": receipt.outcomes})
        if stored is not None:
            ReceivedBatch.objects.filter(pk=stored.pk).update(
                applied_at=timezone.now(), outcomes=receipt.outcomes)
    return receipt


@dataclass
class _Taken:
    """A change that passed its checks, with the inbox entry it will leave."""

    change: wire.Change
    frame: wire.Frame
    entry: InboxEntry


def _take_all(frames: list[wire.Frame], sender: str, identity: Identity,
              receipt: Receipt) -> None:
    """Check every change of a batch, relay what goes further, apply what is for this node."""
    keys = _Keys()
    checked: list[tuple[wire.Change, wire.Frame, bool, list[str]]] = []
    for frame in frames:
        change_id = None
        try:
            change = wire.Change.decode(frame.body)
            change_id = change.change_id
            checked.append((change, frame, *_check(change, frame, identity, keys)))
        except (wire.WireError, Refused) as error:
            reject(error.reason, error.detail, sender, change_id)
            receipt.count(error.reason)
    known = {str(change_id) for change_id in InboxEntry.objects.filter(
        change_id__in=[change.change_id for change, *_rest in checked]).values_list(
        "change_id", flat=True)} if checked else set()
    entries, mine = [], []
    for change, frame, for_me, onward in checked:
        if change.change_id in known:
            reject(Reason.REPLAYED, f"change {change.change_id} already received", sender,
                   change.change_id)
            receipt.count(Reason.REPLAYED)
            continue
        known.add(change.change_id)
        entry = InboxEntry(change_id=change.change_id, origin=change.origin, sender=sender,
                           record_type=change.record_type, record_id=change.record_id,
                           version=change.version, op=change.op, outcome=Outcome.RELAYED)
        if onward:
            _relay(change, frame, sender, onward, identity)
        if for_me:
            mine.append(_Taken(change, frame, entry))
        else:
            entries.append(entry)
            receipt.count(Outcome.RELAYED)
    for taken in _apply_all(mine, identity, sender, receipt):
        entries.append(taken.entry)
        receipt.count(taken.entry.outcome)
    InboxEntry.objects.bulk_create(entries)


def _check(change: wire.Change, frame: wire.Frame, identity: Identity,
           keys: _Keys) -> tuple[bool, list[str]]:
    """Signed by its origin and addressed within its audience: (for this node, onward)."""
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
    if not targets or not targets <= set(change.audience):
        raise Refused(Reason.MISADDRESSED, f"targets {sorted(targets)} outside the audience")
    if change.sealed_for and targets != {change.sealed_for}:
        raise Refused(Reason.MISADDRESSED, f"sealed for {change.sealed_for}")
    return identity.code in targets, sorted(targets - {identity.code})


def _relay(change: wire.Change, frame: wire.Frame, sender: str, onward: list[str],
           identity: Identity) -> None:
    stored, _created = OutboxChange.objects.get_or_create(
        change_id=change.change_id,
        defaults={"origin": change.origin, "record_type": change.record_type,
                  "record_id": change.record_id, "version": change.version, "op": change.op,
                  "audience": list(change.audience), "body": frame.body,
                  "signature": frame.signature})
    route(stored, onward, exclude={sender, change.origin, identity.code})
    transaction.on_commit(_wake)


def _apply_all(items: list[_Taken], identity: Identity, sender: str,
               receipt: Receipt) -> list[_Taken]:
    """Apply changes in order, in runs where each record appears once (a record changed twice
    in a batch starts a new run); the changes that leave an inbox entry (refused ones do not,
    and are counted in `receipt`)."""
    done, run, records = [], [], set()
    for item in items:
        key = (item.change.record_type, item.change.record_id)
        if key in records:
            done += _apply_run(run, identity, sender, receipt)
            run, records = [], set()
        run.append(item)
        records.add(key)
    return done + _apply_run(run, identity, sender, receipt)


def _apply_run(run: list[_Taken], identity: Identity, sender: str,
               receipt: Receipt) -> list[_Taken]:
    if not run:
        return []
    by_kind: dict[str, list[_Taken]] = {}
    for item in run:
        by_kind.setdefault(item.change.record_type, []).append(item)
    replicas: dict[tuple[str, str], Replica] = {}
    owners: dict[tuple[str, str], str] = {}
    for name, items in by_kind.items():
        kind = registry.kind_named(name)
        if kind is None:
            continue
        ids = [item.change.record_id for item in items]
        for replica in Replica.objects.select_for_update().filter(record_type=name,
                                                                   record_id__in=ids):
            replicas[(name, replica.record_id)] = replica
        unseen = [record_id for record_id in ids if (name, record_id) not in replicas]
        if unseen:
            for obj in kind.model.objects.filter(pk__in=unseen):
                owners[(name, str(obj.pk))] = kind.owner(obj)
    kept, upserts = [], []
    for item in run:
        change = item.change
        try:
            kind = registry.kind_named(change.record_type)
            if kind is None:
                raise Refused(Reason.MALFORMED, f"unknown record type {change.record_type}")
            replica = replicas.get((kind.name, change.record_id))
            owner = replica.origin if replica else owners.get((kind.name, change.record_id))
            if owner is not None and owner != change.origin:
                raise Refused(Reason.NOT_OWNER, f"{change.origin} does not own {kind.name} "
                                                f"{change.record_id}")
            if replica is not None and change.version <= replica.version:
                item.entry.outcome = Outcome.SUPERSEDED
                kept.append(item)
                continue
            payload = None
            if change.op != Op.RETRACT:
                payload = (change.payload if not change.sealed_for
                           else wire.open_payload(identity, change))
                if not isinstance(payload, dict):
                    raise Refused(Reason.MALFORMED, "a create or update without a payload")
        except (Refused, wire.WireError) as error:
            reject(error.reason, error.detail, sender, change.change_id)
            receipt.count(error.reason)
            continue
        kept.append(item)
        upserts.append((item, kind, payload))
    # Consecutive changes of one type and operation are applied together, in batch order.
    group: list = []
    for entry in upserts:
        if group and (group[-1][1] is not entry[1] or (group[-1][2] is None) != (entry[2] is None)):
            _apply_group(group, sender, receipt)
            group = []
        group.append(entry)
    _apply_group(group, sender, receipt)
    applied = [item for item, _kind, _payload in upserts if item.entry.outcome == Outcome.APPLIED]
    now = timezone.now()
    fresh, known = [], []
    for item in applied:
        change = item.change
        replica = replicas.get((change.record_type, change.record_id))
        if replica is None:
            fresh.append(Replica(record_type=change.record_type, record_id=change.record_id,
                                 origin=change.origin, version=change.version,
                                 retracted=change.op == Op.RETRACT))
        else:
            replica.origin, replica.version = change.origin, change.version
            replica.retracted, replica.updated_at = change.op == Op.RETRACT, now
            known.append(replica)
    Replica.objects.bulk_create(fresh)
    Replica.objects.bulk_update(known, ["origin", "version", "retracted", "updated_at"])
    if applied:
        received = [(registry.kind_named(i.change.record_type).model, i.change.record_id,
                     i.change.op, i.change.origin) for i in applied]
        transaction.on_commit(lambda: _announce(received))
    return [item for item in kept if item.entry.outcome != Outcome.REFUSED]


def _apply_group(group: list, sender: str, receipt: Receipt) -> None:
    """Changes of one type: retractions one by one, creations and updates in bulk when the type
    allows it. A failure in bulk is retried change by change, so that one bad change does not
    stop the others."""
    if not group:
        return
    kind = group[0][1]
    if group[0][2] is not None and kind.apply_many is not None and len(group) > 1:
        try:
            with transaction.atomic():
                waiting = kind.apply_many([(item.change.record_id, payload, item.change.origin)
                                           for item, _kind, payload in group])
        except Exception:
            log.exception("federation: applying %d changes of %s together failed; one by one",
                          len(group), kind.name)
        else:
            for item, _kind, _payload in group:
                _settle(item, waiting.get(item.change.record_id))
            return
    for item, _kind, payload in group:
        change = item.change
        try:
            with transaction.atomic():
                if payload is None:
                    kind.remove(change.record_id)
                    record(AuditAction.DELETE, object_type=kind.name, object_id=change.record_id,
                           detail={"retracted_by": change.origin, "version": change.version})
                else:
                    kind.apply(change.record_id, payload, change.origin)
            _settle(item, None)
        except registry.Deferred as waiting:
            _settle(item, waiting.key)
        except Exception as error:  # an applier's bug must not stop the rest of the batch
            log.exception("federation: change %s could not be applied", change.change_id)
            reject(Reason.FAILED, f"{type(error).__name__}: {error}", sender, change.change_id)
            receipt.count(Reason.FAILED)
            item.entry.outcome = Outcome.REFUSED


def _settle(item: _Taken, waiting_for: str | None) -> None:
    entry = item.entry
    if waiting_for:
        entry.outcome, entry.waiting_for = Outcome.WAITING, waiting_for
        entry.body, entry.signature = item.frame.body, item.frame.signature
    else:
        entry.outcome, entry.waiting_for = Outcome.APPLIED, ""
        entry.body = entry.signature = None


def _announce(received: list[tuple]) -> None:
    for model, record_id, op, origin in received:
        signals.received.send(model, record_id=record_id, op=op, origin=origin)


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
            with transaction.atomic():
                taken = _apply_all([_Taken(change, frame, entry)], identity, entry.sender,
                                   Receipt(entry.sender))
                if not taken:
                    entry.outcome, entry.body, entry.signature = Outcome.REFUSED, None, None
                entry.save()
            if entry.outcome != Outcome.WAITING:
                applied += 1
                progress = True
    return applied


def _wake() -> None:
    from pcms.federation import tasks

    tasks.push_soon()
