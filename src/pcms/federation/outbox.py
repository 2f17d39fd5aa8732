"""Writing what this node shares: signed, versioned changes, routed to the next hops.

`publish(obj)` compares the record's state and audience with what was last sent (`Shared`) and
writes what changed: a create or update for the nodes that may hold it, a retract for the nodes
that held it and no longer may (narrower handling, a correction back in the workflow, a
deletion). Publishing the same state twice writes nothing, which makes `reconcile()` (the
catch-up after a crash between a commit and its publication) safe to run at any time.

A change is routed per final recipient: straight to a peer, or to the relay that peer is reached
through. When a relay is not itself in the audience, the recipient gets its own copy with the
payload sealed for it, so the relay carries what it cannot read.
"""

import hashlib
import logging
import uuid
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.federation import registry, wire
from pcms.federation.choices import Op
from pcms.federation.keys import Identity, IdentityError, local_identity
from pcms.federation.models import Delivery, OutboxChange, OutgoingBatch, Peer, Shared

log = logging.getLogger(__name__)
# Small batches: a receiver applies one in a single transaction, and on SQLite that transaction
# holds the node's only write lock; the overhead of a batch (about 1.6 kB) stays under 10 B a change.
BATCH_CHANGES = 250
BATCH_BYTES = 512 * 1024


def _identity() -> Identity | None:
    try:
        return local_identity()
    except IdentityError:
        return None


def publish(obj: Model, *, force: bool = False) -> list[OutboxChange]:
    """Write the changes that bring every node up to date with `obj`; none if nothing changed."""
    kind = registry.kind_of(type(obj))
    identity = _identity()
    if kind is None or identity is None or kind.owner(obj) != identity.code:
        return []
    audience = kind.audience(obj) - {identity.code}
    payload = kind.payload(obj, audience) if audience else None
    fingerprint = hashlib.sha256(wire.canonical({"a": sorted(audience), "p": payload})).hexdigest()
    with transaction.atomic():
        shared, _created = Shared.objects.select_for_update().get_or_create(
            record_type=kind.name, record_id=str(obj.pk))
        if shared.fingerprint == fingerprint and not force:
            return []
        held = set(shared.audience)
        shared.fingerprint = fingerprint
        if not audience and not held:
            shared.save(update_fields=["fingerprint", "updated_at"])
            return []
        shared.version += 1
        changes = []
        if audience:
            changes += _upsert(identity, kind.name, str(obj.pk), shared.version,
                               Op.UPDATE if held else Op.CREATE, audience, payload)
        if held - audience:
            changes.append(_write(identity, kind.name, str(obj.pk), shared.version, Op.RETRACT,
                                  held - audience))
        shared.audience = sorted(audience)
        shared.save()
    _wake()
    return changes


def retract_record(obj: Model, reason: str, actor=None) -> list[OutboxChange]:
    """Withdraw a record from every node that holds it, then delete it here.

    For data protection: the record, its index entries, links, mentions and attachments go at
    every node; only audit entries (who, when, which id, why) remain. A report takes the
    entities first reported in it along. Only the owner retracts.
    """
    kind = registry.kind_of(type(obj))
    identity = _identity()
    if kind is None:
        raise ValueError(f"{obj._meta.label_lower} does not federate")
    owner = kind.owner(obj)
    if owner != settings.PCMS_NODE:
        raise PermissionError(f"only the owner ({owner}) retracts this record")
    dependants = []
    if kind.name == "records.report":
        from pcms.records.models import Entity

        dependants = list(Entity.objects.filter(origin_id=obj.pk).order_by("created_at"))
    changes = []
    with transaction.atomic():
        for item in [*dependants, obj]:
            item_kind = registry.kind_of(type(item))
            shared = Shared.objects.select_for_update().filter(
                record_type=item_kind.name, record_id=str(item.pk)).first()
            held = set(shared.audience) if shared else set()
            if held and identity is not None:
                shared.version += 1
                changes.append(_write(identity, item_kind.name, str(item.pk), shared.version,
                                      Op.RETRACT, held))
                shared.audience, shared.fingerprint = [], "retracted"
                shared.save()
            record(AuditAction.DELETE, actor=actor, obj=item,
                   detail={"reason": reason[:300], "retracted_at": sorted(held)})
            item_kind.remove(str(item.pk))
    _wake()
    return changes


def _upsert(identity: Identity, record_type: str, record_id: str, version: int, op: str,
            audience: set[str], payload: dict) -> list[OutboxChange]:
    """One clear change for the recipients every hop may read for; a sealed one for each other."""
    peers = {peer.code: peer for peer in Peer.objects.filter(is_active=True).select_related("via")}
    sealed = {code for code in audience
              if code in peers and peers[code].via and peers[code].via.code not in audience}
    changes = []
    if audience - sealed:
        changes.append(_write(identity, record_type, record_id, version, op, audience - sealed,
                              payload))
    for code in sorted(sealed):
        changes.append(_write(identity, record_type, record_id, version, op, {code}, payload,
                              sealed_for=peers[code]))
    return changes


def _write(identity: Identity, record_type: str, record_id: str, version: int, op: str,
           audience: set[str], payload: dict | None = None, sealed_for: Peer | None = None
           ) -> OutboxChange:
    change_id = str(uuid.uuid4())
    change = wire.Change(change_id, identity.code, record_type, record_id, version, op,
                         tuple(sorted(audience)), payload if sealed_for is None else None)
    if sealed_for is not None:
        change = wire.Change(change_id, identity.code, record_type, record_id, version, op,
                             (sealed_for.code,), None, sealed_for.code,
                             wire.seal_payload(change_id, sealed_for.public_keys[1], payload))
    body = change.encode()
    stored = OutboxChange.objects.create(
        change_id=change_id, origin=identity.code, record_type=record_type, record_id=record_id,
        version=version, op=op, audience=sorted(audience), body=body,
        signature=identity.sign(body))
    route(stored, sorted(audience), exclude={identity.code})
    return stored


def route(change: OutboxChange, targets: list[str], exclude: set[str] = frozenset()) -> int:
    """One delivery per next hop for `targets`; a target with no known route waits for one."""
    peers = {peer.code: peer for peer in Peer.objects.filter(is_active=True)}
    by_hop: dict[int, list[str]] = defaultdict(list)
    for code in targets:
        peer = peers.get(code)
        if peer is None or code in exclude:
            continue
        hop = peer if peer.via_id is None else next(
            (p for p in peers.values() if p.pk == peer.via_id), None)
        if hop is None or hop.code in exclude:
            continue
        by_hop[hop.pk].append(code)
    for hop_id, codes in by_hop.items():
        delivery, created = Delivery.objects.get_or_create(
            change=change, peer_id=hop_id, defaults={"targets": codes})
        if not created and delivery.acked_at is None:
            delivery.targets = sorted(set(delivery.targets) | set(codes))
            delivery.save(update_fields=["targets"])
    return len(by_hop)


def republish_for(code: str) -> int:
    """After a peer is added: route to it the last change of every record addressed to it.

    A change in clear whose route now crosses a relay outside its audience is published again
    instead, so that the peer gets a copy sealed for it."""
    peer = Peer.objects.select_related("via").get(code=code)
    count = 0
    for shared in Shared.objects.exclude(audience=[]).order_by("id").iterator():
        if code not in shared.audience:
            continue
        last = (OutboxChange.objects.filter(record_type=shared.record_type,
                                            record_id=shared.record_id, version=shared.version)
                .order_by("-id"))
        change = next((c for c in last if code in c.audience), None)
        relay_reads = peer.via is None or peer.via.code in (change.audience if change else ())
        sealed = change is not None and wire.Change.decode(bytes(change.body)).sealed_for == code
        if change is not None and (relay_reads or sealed):
            count += route(change, [code])
            continue
        kind = registry.kind_named(shared.record_type)
        obj = kind.get(shared.record_id) if kind else None
        if obj is not None:
            count += len(publish(obj, force=True))
    if count:
        _wake()
    return count


def reconcile(full: bool = False) -> int:
    """Publish every owned record whose last publication is missing or older than the record."""
    identity = _identity()
    if identity is None:
        return 0
    written = 0
    for kind in registry.kinds():
        shared = {s.record_id: s.updated_at for s in Shared.objects.filter(record_type=kind.name)}
        stamp = "updated_at" if hasattr(kind.model, "updated_at") else None
        for obj in kind.model.objects.order_by("pk").iterator(chunk_size=500):
            if kind.owner(obj) != identity.code:
                continue
            last = shared.get(str(obj.pk))
            fresh = last is not None and stamp and getattr(obj, stamp) <= last and not full
            if fresh and getattr(obj, "origin_id", None) is None:
                continue
            if fresh and obj.origin.updated_at <= last:
                continue
            written += len(publish(obj))
    return written


def pending(peer: Peer):
    return Delivery.objects.filter(peer=peer, acked_at__isnull=True)


def next_batch(peer: Peer, identity: Identity | None = None) -> OutgoingBatch | None:
    """The batch this peer should get next: the open one, or a new one of the oldest pending."""
    identity = identity or local_identity()
    with transaction.atomic():
        Peer.objects.select_for_update().filter(pk=peer.pk).first()
        batch = peer.batches.order_by("id").first()
        if batch is not None:
            return batch
        frames, ids, size = [], [], 0
        rows = (pending(peer).filter(batch__isnull=True).select_related("change")
                .order_by("change_id")[:BATCH_CHANGES])
        for delivery in rows:
            frame = wire.Frame(tuple(delivery.targets), bytes(delivery.change.body),
                               bytes(delivery.change.signature))
            frames.append(frame)
            ids.append(delivery.pk)
            size += len(frame.body) + 80
            if size >= BATCH_BYTES:
                break
        if not frames:
            return None
        data = wire.seal_batch(identity, peer.code, peer.public_keys[1], frames)
        batch = OutgoingBatch.objects.create(peer=peer, sha256=hashlib.sha256(data).hexdigest(),
                                             data=data, size=len(data), count=len(frames))
        Delivery.objects.filter(pk__in=ids).update(batch=batch)
        return batch


def acknowledge(batch: OutgoingBatch) -> None:
    """The peer holds the batch: its deliveries are done."""
    with transaction.atomic():
        done = Delivery.objects.filter(batch=batch).update(acked_at=timezone.now(), batch=None)
        Peer.objects.filter(pk=batch.peer_id).update(changes_sent=F("changes_sent") + done)
        batch.delete()


def _wake() -> None:
    """Ask the task queue to push soon, once the current transaction commits."""
    from pcms.federation import tasks

    transaction.on_commit(tasks.push_soon)
