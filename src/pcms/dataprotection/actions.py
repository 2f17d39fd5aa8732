"""Every data-protection change: review decisions, deletions and corrections; atomic, audited.

`delete_record` is the one way a record leaves a node for good: the report or entity, its
mentions, links, search words, match-index entry, hits, attachments and notifications go; the
audit keeps that it existed (type, id, who, why), never what it said. When this node owns the
record and takes part in the federation, the deletion is published as a retraction, so every
node that received the record deletes its copy too.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core.models import Notification
from pcms.dataprotection import retention
from pcms.dataprotection.choices import ReviewOutcome
from pcms.dataprotection.models import Correction, Review
from pcms.records import actions as records_actions
from pcms.records.actions import RecordError
from pcms.records.models import Attachment, Entity, Link, Mention, Report
from pcms.records.signals import record_changed
from pcms.records.visibility import can_edit, may_use_records


def reference_of(item) -> str:
    return item.reference if isinstance(item, Report) else item.caption[:80]


def _owner_user(user, item) -> bool:
    return (may_use_records(user) and item.owner_id == user.platform_id
            and item.classification <= user.clearance)


def may_review(user, item) -> bool:
    """The owner platform reviews: its officers and supervisors until the date, its data
    protection officer always (after the date, nobody else sees the record)."""
    if not _owner_user(user, item):
        return False
    return user.has_role("dpo") or (user.has_role("officer", "supervisor")
                                    and not retention.is_overdue(item))


def may_delete(user, item) -> bool:
    """A supervisor of the owner platform until the review date, its data protection officer
    always."""
    if not _owner_user(user, item):
        return False
    return user.has_role("dpo") or (user.has_role("supervisor") and not retention.is_overdue(item))


def longest_period(item) -> int:
    """The longest review period that applies to the record: the most an extension may add."""
    table = retention.rules()
    if isinstance(item, Report):
        pairs = [(item.category, role) for role in item.mentions.values_list("role", flat=True)]
        pairs = pairs or [(item.category, "")]
    else:
        pairs = list(Mention.objects.filter(entity=item).values_list("report__category", "role"))
        pairs = pairs or [("", "")]
    return max(retention.period(table, category, role) for category, role in pairs)


@transaction.atomic
def extend_review(user, item, new_due: date, reason: str, request=None) -> Review:
    """Keep a record until `new_due`: later than today, at most one full period away."""
    if not may_review(user, item):
        raise PermissionDenied(_("Only the owner platform reviews this record."))
    if not reason.strip():
        raise RecordError({"reason": _("Say why the record is still needed.")})
    today = timezone.localdate()
    latest = today + timedelta(days=longest_period(item))
    if new_due <= today:
        raise RecordError({"new_due": _("The next review must be after today.")})
    if new_due > latest:
        raise RecordError({"new_due": _("At most one review period ahead: %(date)s at the latest.")
                           % {"date": latest.isoformat()}})
    previous = item.review_due
    type(item).objects.filter(pk=item.pk).update(review_due=new_due)
    item.review_due = new_due
    review = Review.objects.create(
        record_type=item._meta.label_lower, record_id=str(item.pk), reference=reference_of(item),
        owner_id=item.owner_id, outcome=ReviewOutcome.EXTENDED, previous_due=previous,
        new_due=new_due, reason=reason.strip()[:500], decided_by=user)
    record(AuditAction.UPDATE, request=request, actor=user, obj=item,
           detail={"review": "extended", "previous_due": previous.isoformat() if previous else None,
                   "new_due": new_due.isoformat()})
    transaction.on_commit(lambda: record_changed.send(type(item), instance=item, actor=user))
    return review


@dataclass
class Deletion:
    """What a deletion removed, by id only."""

    reports: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    files: int = 0
    propagated: bool = False


def _federated_retract():
    """The federation's retraction, when this node takes part in the federation."""
    if not apps.is_installed("pcms.federation"):
        return None
    from pcms.federation import outbox, registry

    return lambda item, reason, actor: (
        outbox.retract_record(item, reason, actor=actor)
        if registry.kind_of(type(item)) is not None and item.owner.code == settings.PCMS_NODE
        else None)


def _relations_of(entity_ids: set) -> set:
    """Relation entities (Family, Membership...) that join one of `entity_ids` to anything."""
    return set(Link.objects.filter(Q(source_id__in=entity_ids) | Q(target_id__in=entity_ids))
               .exclude(via_id__in=entity_ids).values_list("via_id", flat=True))


@transaction.atomic
def delete_record(user, item, reason: str, request=None) -> Deletion:
    """Delete a report or an entity at its owner, and everywhere it was sent.

    A report takes along the entities first reported in it that no other report names, and the
    relations of those; an entity takes along its relations. Entities that other reports still
    name stay, detached from the deleted report.
    """
    if not may_delete(user, item):
        raise PermissionDenied(_("Only a supervisor or the data protection officer of the owner "
                                 "platform deletes this record."))
    reason = reason.strip()
    if not reason:
        raise RecordError({"reason": _("Say why the record is deleted.")})
    result = Deletion()
    report = item if isinstance(item, Report) else None
    if report is not None:
        first = set(Entity.objects.filter(origin=report).values_list("pk", flat=True))
        named_elsewhere = set(Mention.objects.filter(entity_id__in=first).exclude(report=report)
                              .values_list("entity_id", flat=True))
        doomed = first - named_elsewhere
        Entity.objects.filter(pk__in=named_elsewhere).update(origin=None)
    else:
        doomed, named_elsewhere = {item.pk}, set()
    doomed |= set(Entity.objects.filter(pk__in=_relations_of(doomed), owner_id=item.owner_id)
                  .values_list("pk", flat=True))
    files = [a.file.name for a in Attachment.objects.filter(report=report)] if report else []
    Review.objects.create(
        record_type=item._meta.label_lower, record_id=str(item.pk), reference=reference_of(item),
        owner_id=item.owner_id, outcome=ReviewOutcome.DELETED, previous_due=item.review_due,
        reason=reason[:500], decided_by=user)
    retract = _federated_retract()
    relations = Entity.objects.filter(pk__in=doomed).exclude(mentions__isnull=False)
    ordered = [*relations.order_by("created_at"),
               *Entity.objects.filter(pk__in=doomed, mentions__isnull=False).distinct()
               .order_by("created_at")]
    if report is not None:
        ordered.append(report)
    ids = {str(pk) for pk in doomed} | ({str(report.pk)} if report else set())
    Notification.objects.filter(
        Q(url__in=[f"/screening/hits/{pk}/" for pk in _hits_of(doomed)])
        | Q(*[Q(url__contains=pk) for pk in ids], _connector=Q.OR)).delete()
    try:
        for target in ordered:
            propagated = retract(target, reason, user) if retract else None
            if propagated is None:
                record(AuditAction.DELETE, request=request, actor=user, obj=target,
                       detail={"reason": reason[:300], "review": "deleted"})
                type(target).objects.filter(pk=target.pk).delete()
            else:
                result.propagated = True
    except ProtectedError:
        raise RecordError({"record": _(
            "This record is still referred to by messages, alerts or cases of this node; "
            "withdraw those first.")}) from None
    result.reports = [str(report.pk)] if report else []
    result.entities = sorted(str(pk) for pk in doomed)
    result.files = len(files)
    transaction.on_commit(lambda: _after_deletion(result.entities, files))
    for entity in Entity.objects.filter(pk__in=named_elsewhere):
        transaction.on_commit(lambda e=entity: record_changed.send(Entity, instance=e, actor=user))
    return result


def _hits_of(entity_ids) -> list[str]:
    from pcms.screening.models import Hit

    return [str(pk) for pk in Hit.objects.filter(
        Q(entity_id__in=entity_ids) | Q(candidate_id__in=entity_ids)).values_list("pk", flat=True)]


def _after_deletion(entity_ids: list[str], files: list[str]) -> None:
    """Once the deletion is committed: attachment files and match-index entries go too."""
    from django.core.files.storage import default_storage

    from pcms.screening import tasks

    for name in files:
        default_storage.delete(name)
    for entity_id in entity_ids:
        tasks.reindex_entity(entity_id)


@transaction.atomic
def record_correction(user, item, what: str, why: str, requested_by: str,
                      properties: dict | None = None, request=None) -> Correction:
    """Log a correction of a record and, for an entity given corrected values, make it through
    the records' own action (the owner platform's editors only)."""
    if not (_owner_user(user, item) and user.has_role("officer", "supervisor", "dpo")):
        raise PermissionDenied(_("Only the owner platform records corrections of this record."))
    errors = {name: _("This field is required.") for name, value in
              (("what", what), ("why", why), ("requested_by", requested_by)) if not value.strip()}
    if errors:
        raise RecordError(errors)
    changed: list[str] = []
    if properties is not None and isinstance(item, Entity):
        if not can_edit(user, item):
            raise PermissionDenied(_("Only the owner platform's officers and supervisors change "
                                     "the record itself."))
        before = item.properties
        item = records_actions.update_entity(user, item, properties, request=request)
        changed = sorted(name for name in set(before) | set(item.properties)
                         if before.get(name) != item.properties.get(name))
    correction = Correction.objects.create(
        record_type=item._meta.label_lower, record_id=str(item.pk), reference=reference_of(item),
        owner_id=item.owner_id, what=what.strip()[:500], why=why.strip()[:500],
        requested_by=requested_by.strip()[:200], changed_fields=changed, recorded_by=user)
    record(AuditAction.CREATE, request=request, actor=user, obj=correction,
           detail={"record": str(item.pk), "fields": changed})
    return correction
