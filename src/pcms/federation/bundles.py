"""Offline transfer: everything pending for a peer in one file, carried by hand.

A bundle is a batch (wire.py) of kind `bundle`: encrypted for the recipient, signed by the
sender. It holds the changes waiting for that peer, including those waiting at a relay hop on
their way to it; it acknowledges nothing, because the sender cannot know whether the file
arrives, so online sync later sends the same changes again and the recipient, knowing their ids,
applies nothing twice. Importing takes the same path as a batch received online.
"""

import hashlib
import os
from pathlib import Path

from pcms.federation import inbox, wire
from pcms.federation.keys import Identity, local_identity
from pcms.federation.models import Delivery, OutboxChange, Peer


class BundleError(ValueError):
    pass


def frames_for(peer: Peer, everything: bool = False) -> list[wire.Frame]:
    """Changes pending for `peer`, straight or through its relay; all ever addressed to it."""
    if everything:
        changes = [c for c in OutboxChange.objects.order_by("id") if peer.code in c.audience]
    else:
        hop = peer.via or peer
        rows = (Delivery.objects.filter(peer=hop, acked_at__isnull=True)
                .select_related("change").order_by("change_id"))
        changes = [d.change for d in rows if peer.code in d.targets]
    return [wire.Frame((peer.code,), bytes(c.body), bytes(c.signature)) for c in changes]


def export(code: str, path: Path, everything: bool = False,
           identity: Identity | None = None) -> int:
    identity = identity or local_identity()
    peer = Peer.objects.filter(code=code, is_active=True).first()
    if peer is None:
        raise BundleError(f"{code} is not a peer of this node (pcms peer list)")
    frames = frames_for(peer, everything)
    data = wire.seal_batch(identity, peer.code, peer.public_keys[1], frames, kind="bundle")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return len(frames)


def import_file(path: Path) -> dict:
    data = Path(path).read_bytes()
    try:
        sender = str(wire.read_header(data)["from"])
        return inbox.take_batch(sender, hashlib.sha256(data).hexdigest(), data)
    except wire.WireError as error:
        raise BundleError(f"bundle refused ({error.reason}): {error.detail}") from None
