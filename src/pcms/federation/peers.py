"""Registering peers and reporting on them, for `pcms peer` and the status page."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.federation import crypto, outbox
from pcms.federation.keys import local_identity, parse_public_key
from pcms.federation.models import Peer
from pcms.reference.models import Platform


class PeerError(ValueError):
    pass


@transaction.atomic
def add(code: str, key: str, url: str = "", via: str = "", actor=None) -> tuple[Peer, int]:
    """Register (or update) a peer; queue the current state of what is addressed to it."""
    code = code.upper()
    if not Platform.objects.filter(code=code).exists():
        raise PeerError(f"{code} is not a platform of the network (see the reference data)")
    if code == local_identity().code:
        raise PeerError(f"{code} is this node")
    try:
        signing, box = parse_public_key(key)
    except ValueError as error:
        raise PeerError(f"invalid key for {code}: {error}") from None
    if url and not url.startswith(("http://", "https://")):
        raise PeerError(f"the address of {code} must start with https:// (or http:// on a "
                        "closed network)")
    relay = None
    if via:
        relay = Peer.objects.filter(code=via.upper(), via__isnull=True, is_active=True).first()
        if relay is None:
            raise PeerError(f"relay {via.upper()} must be registered first, with an address or "
                            "reaching this node itself")
    peer, created = Peer.objects.update_or_create(
        code=code, defaults={"signing_key": crypto.b64(signing), "box_key": crypto.b64(box),
                             "url": url.rstrip("/"), "via": relay, "is_active": True})
    record(AuditAction.CREATE if created else AuditAction.UPDATE, actor=actor, obj=peer,
           detail={"url": peer.url, "via": via.upper()})
    return peer, outbox.republish_for(code)


@transaction.atomic
def deactivate(code: str, actor=None) -> None:
    peer = Peer.objects.filter(code=code.upper()).first()
    if peer is None:
        raise PeerError(f"{code.upper()} is not a peer")
    peer.is_active = False
    peer.save(update_fields=["is_active"])
    record(AuditAction.UPDATE, actor=actor, obj=peer, detail={"is_active": False})


@dataclass(frozen=True)
class Status:
    peer: Peer
    queue: int

    @property
    def route(self) -> str:
        if self.peer.via_id:
            return f"via {self.peer.via.code}"
        return self.peer.url or "reaches us"

    @property
    def last_contact(self) -> str:
        if self.peer.last_contact_at is None:
            return "never"
        return timezone.localtime(self.peer.last_contact_at).strftime("%Y-%m-%d %H:%M:%S")

    @property
    def sent(self) -> str:
        return str(filesizeformat(self.peer.bytes_sent)).replace("\xa0", " ")

    @property
    def received(self) -> str:
        return str(filesizeformat(self.peer.bytes_received)).replace("\xa0", " ")


def statuses() -> list[Status]:
    peers = (Peer.objects.filter(is_active=True).select_related("via")
             .annotate(queue=Count("deliveries", filter=Q(deliveries__acked_at__isnull=True))))
    return [Status(peer, peer.queue) for peer in peers]
