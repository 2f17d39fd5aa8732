"""Write to the audit trail: one call for every login, read, write, search and export."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from pcms.audit.choices import AuditAction
from pcms.audit.models import AuditEntry, AuditHead


def client_address(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def record(
    action: AuditAction | str,
    *,
    request: HttpRequest | None = None,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry, linked to the previous one, in its own (possibly nested) transaction."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor,
            actor_username=actor.get_username() if actor is not None else "",
            platform=getattr(actor, "platform_code", "") if actor is not None else "",
            action=str(action),
            object_type=object_type,
            object_id=str(object_id),
            ip_address=client_address(request),
            path=request.get_full_path()[:300] if request is not None else "",
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        head.last_id, head.last_hash = entry.pk, entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


def record_reads(request: HttpRequest, objects: Iterable[models.Model]) -> None:
    """One READ entry per object a list or API call disclosed."""
    for obj in objects:
        record(AuditAction.READ, request=request, obj=obj)


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


def verify(chunk_size: int = 10_000) -> tuple[int, list[Break]]:
    """Walk the chain in order; return how many entries were checked and where it breaks."""
    from pcms.audit.models import GENESIS, HASHED_FIELDS, entry_hash

    breaks: list[Break] = []
    expected_prev = GENESIS
    count = 0
    last_id = 0
    rows = AuditEntry.objects.order_by("id").values_list("id", "hash", *HASHED_FIELDS)
    for row in rows.iterator(chunk_size=chunk_size):
        entry_id, stored_hash, *values = row
        fields = dict(zip(HASHED_FIELDS, values, strict=True))
        count += 1
        last_id = entry_id
        if fields["prev_hash"] != expected_prev:
            breaks.append(Break(entry_id, "link to the previous entry is broken (removed or reordered)"))
        if entry_hash(**fields) != stored_hash:
            breaks.append(Break(entry_id, "content does not match its hash (entry altered)"))
        expected_prev = stored_hash
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id != last_id or head.last_hash != expected_prev):
        breaks.append(Break(head.last_id, "the last entries of the trail are missing"))
    return count, breaks
