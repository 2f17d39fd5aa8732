"""Every change to a report or entity: one function each, atomic, audited.

Views and API handlers call these and nothing else, so the rules (only the owner edits, four eyes
before anything leaves the platform, versions after validation) hold on every path.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.records import schema as ftm
from pcms.records.choices import MentionRole, Status
from pcms.records.models import Entity, Link, Mention, Report, ReportVersion, WorkflowStep
from pcms.records.search import index_entity, index_report
from pcms.records.signals import record_changed, report_validated, report_validating
from pcms.records.visibility import can_edit, can_validate

HANDLING_FIELDS = ("owner_id", "dissemination", "onward_allowed", "judicial_use", "hit_notice",
                   "classification", "status")
REPORT_FIELDS = ("title", "narrative", "facts_date", "place", "country", "region", "category",
                 "purpose", "agency", "source_reliability", "credibility", "dissemination", "onward_allowed",
                 "judicial_use", "hit_notice", "classification")
# The property of each relation schema that holds its detail (brother, leader, driver...).
RELATION_DETAIL = {"Family": "relationship", "Associate": "relationship", "Membership": "role",
                   "Ownership": "role", "Employment": "role", "UnknownLink": "role"}


class RecordError(Exception):
    """Input that cannot be stored, with one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def next_reference(platform) -> str:
    year = timezone.now().year
    prefix = f"{platform.code}-{year}-"
    last = (Report.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:06d}"


@transaction.atomic
def create_report(user, data: dict, recipients=(), request=None) -> Report:
    _require(user.platform_id and user.has_role("officer", "supervisor"),
             _("Only officers and supervisors enter reports."))
    report = Report(owner_id=user.platform_id, created_by=user, status=Status.DRAFT,
                    reference=next_reference(user.platform))
    for name in REPORT_FIELDS:
        if name in data:
            setattr(report, name, data[name])
    report.save()
    report.recipients.set(recipients)
    WorkflowStep.objects.create(report=report, status=Status.DRAFT, actor=user)
    index_report(report)
    record(AuditAction.CREATE, request=request, actor=user, obj=report)
    return report


@transaction.atomic
def update_report(user, report: Report, data: dict, recipients=None, reason: str = "",
                  request=None) -> Report:
    """Change a report. After validation a change is a correction: the validated text is kept as
    a version, and the corrected report goes back to a supervisor before it is shared again."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(can_edit(user, report), _("Only the owner platform edits this report."))
    if report.status == Status.VALIDATED:
        if not reason.strip():
            raise RecordError({"reason": _("Say why a validated report is corrected.")})
        ReportVersion.objects.create(report=report, version=report.version, created_by=user,
                                     snapshot=snapshot(report), reason=reason.strip())
        report.version = F("version") + 1
        report.status = Status.SUBMITTED
        report.submitted_by, report.submitted_at = user, timezone.now()
        WorkflowStep.objects.create(report=report, status=Status.SUBMITTED, actor=user,
                                    comment=reason.strip()[:500])
    changed = [name for name in REPORT_FIELDS if name in data and getattr(report, name) != data[name]]
    for name in changed:
        setattr(report, name, data[name])
    report.save()
    report.refresh_from_db()
    if recipients is not None:
        report.recipients.set(recipients)
    _sync_entities(report)
    index_report(report)
    record(AuditAction.UPDATE, request=request, actor=user, obj=report,
           detail={"fields": changed, "version": report.version})
    transaction.on_commit(lambda: record_changed.send(Report, instance=report, actor=user))
    return report


def _sync_entities(report: Report) -> None:
    """Entities first reported in a report share its handling and its place in the workflow."""
    entities = Entity.objects.filter(origin=report)
    entities.update(**{name: getattr(report, name) for name in HANDLING_FIELDS})
    recipients = list(report.recipients.all())
    for entity in entities:
        entity.recipients.set(recipients)


@transaction.atomic
def add_entity(user, report: Report, schema_name: str, properties: dict, role: str = "",
               request=None) -> Entity:
    """Clean and store an entity first reported in `report`, and mention it there."""
    _require(can_edit(user, report), _("Only the owner platform edits this report."))
    entity = _new_entity(report, schema_name, properties)
    if role:
        if role not in MentionRole.values:
            raise RecordError({"role": _("Unknown role %(role)s.") % {"role": role}})
        Mention.objects.create(report=report, entity=entity, role=role)
    record(AuditAction.CREATE, request=request, actor=user, obj=entity)
    transaction.on_commit(lambda: record_changed.send(Entity, instance=entity, actor=user))
    return entity


def _new_entity(report: Report, schema_name: str, properties: dict) -> Entity:
    try:
        schema = ftm.get_schema(schema_name)
    except ftm.SchemaError:
        raise RecordError({"schema": _("Unknown entity type %(name)s.") % {"name": schema_name}}) from None
    default_country = report.owner.country_id
    cleaned = ftm.clean_properties(schema, properties, default_country=default_country)
    if cleaned.errors:
        raise RecordError(cleaned.errors)
    missing = [name for name in schema.required if name not in cleaned.properties]
    if missing:
        raise RecordError({name: _("This field is required.") for name in missing})
    entity = Entity(schema=schema.name, properties=cleaned.properties, written=cleaned.written,
                    caption=ftm.caption(schema, cleaned.properties), origin=report,
                    **{name: getattr(report, name) for name in HANDLING_FIELDS})
    entity.save()
    entity.recipients.set(report.recipients.all())
    rebuild_links(entity, schema)
    index_entity(entity)
    return entity


def rebuild_links(entity: Entity, schema=None) -> None:
    """Replace the graph edges (`Link`) that `entity` yields with those its properties give now.

    A relation entity joins its two ends, any other entity points at the entities it references;
    an edge is drawn only to entities this node holds. Called whenever an entity is written,
    here and when a copy arrives from another node."""
    schema = schema or ftm.get_schema(entity.schema)
    Link.objects.filter(via=entity).delete()
    references = dict(ftm.entity_references(schema, entity.properties))
    known = {str(pk) for pk in Entity.objects.filter(pk__in=_valid_ids(references.values()))
             .values_list("pk", flat=True)}
    if schema.edge and schema.source_prop and schema.target_prop:
        for source in entity.properties.get(schema.source_prop.name, []):
            for target in entity.properties.get(schema.target_prop.name, []):
                if source in known and target in known:
                    Link.objects.create(source_id=source, target_id=target, via=entity,
                                        label=schema.name)
        return
    for name, target in ftm.entity_references(schema, entity.properties):
        if target in known:
            Link.objects.create(source=entity, target_id=target, via=entity, label=name)


def _valid_ids(values) -> list[str]:
    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return valid


@transaction.atomic
def update_entity(user, entity: Entity, properties: dict, request=None) -> Entity:
    _require(can_edit(user, entity), _("Only the owner platform edits this entity."))
    schema = ftm.get_schema(entity.schema)
    cleaned = ftm.clean_properties(schema, properties, default_country=entity.owner.country_id)
    if cleaned.errors:
        raise RecordError(cleaned.errors)
    entity.properties, entity.written = cleaned.properties, cleaned.written
    entity.caption = ftm.caption(schema, cleaned.properties)
    entity.save()
    rebuild_links(entity, schema)
    index_entity(entity)
    record(AuditAction.UPDATE, request=request, actor=user, obj=entity)
    transaction.on_commit(lambda: record_changed.send(Entity, instance=entity, actor=user))
    return entity


@transaction.atomic
def relate(user, report: Report, schema_name: str, source: Entity, target: Entity,
           properties: dict | None = None, request=None) -> Entity:
    """A first-class relation (Family, Membership, Associate, Ownership...) between entities."""
    schema = ftm.get_schema(schema_name)
    if not schema.edge:
        raise RecordError({"schema": _("%(name)s is not a relation.") % {"name": schema_name}})
    values = dict(properties or {})
    values[schema.source_prop.name] = [str(source.pk)]
    values[schema.target_prop.name] = [str(target.pk)]
    return add_entity(user, report, schema_name, values, role="", request=request)


@transaction.atomic
def mention(user, report: Report, entity: Entity, role: str, request=None) -> Mention:
    _require(can_edit(user, report), _("Only the owner platform edits this report."))
    if role not in MentionRole.values:
        raise RecordError({"role": _("Unknown role %(role)s.") % {"role": role}})
    item, _created = Mention.objects.get_or_create(report=report, entity=entity, role=role)
    record(AuditAction.UPDATE, request=request, actor=user, obj=report,
           detail={"mentioned": str(entity.pk), "role": role})
    return item


@transaction.atomic
def submit(user, report: Report, request=None) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(can_edit(user, report), _("Only the owner platform submits this report."))
    if report.status not in (Status.DRAFT, Status.RETURNED):
        raise RecordError({"status": _("Only a draft or a returned report can be submitted.")})
    report.status, report.submitted_by, report.submitted_at = Status.SUBMITTED, user, timezone.now()
    report.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    _sync_entities(report)
    WorkflowStep.objects.create(report=report, status=Status.SUBMITTED, actor=user)
    record(AuditAction.UPDATE, request=request, actor=user, obj=report,
           detail={"status": Status.SUBMITTED})
    return report


@transaction.atomic
def validate(user, report: Report, comment: str = "", request=None) -> Report:
    """Four eyes: a supervisor other than the author releases the report to its audience."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED:
        raise RecordError({"status": _("Only a submitted report can be validated.")})
    _require(can_validate(user, report),
             _("A supervisor of the owner platform other than its author validates it."))
    report.status, report.validated_by, report.validated_at = Status.VALIDATED, user, timezone.now()
    report.save(update_fields=["status", "validated_by", "validated_at", "updated_at"])
    _sync_entities(report)
    WorkflowStep.objects.create(report=report, status=Status.VALIDATED, actor=user,
                                comment=comment[:500])
    report_validating.send(Report, report=report, actor=user)
    record(AuditAction.UPDATE, request=request, actor=user, obj=report,
           detail={"status": Status.VALIDATED})
    transaction.on_commit(lambda: report_validated.send(Report, report=report, actor=user))
    return report


@transaction.atomic
def return_for_correction(user, report: Report, comment: str, request=None) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Status.SUBMITTED:
        raise RecordError({"status": _("Only a submitted report can be returned.")})
    _require(can_validate(user, report),
             _("A supervisor of the owner platform other than its author reviews it."))
    if not comment.strip():
        raise RecordError({"comment": _("Say what must be corrected.")})
    report.status = Status.RETURNED
    report.save(update_fields=["status", "updated_at"])
    _sync_entities(report)
    WorkflowStep.objects.create(report=report, status=Status.RETURNED, actor=user,
                                comment=comment[:500])
    record(AuditAction.UPDATE, request=request, actor=user, obj=report,
           detail={"status": Status.RETURNED})
    return report


def snapshot(report: Report) -> dict:
    """The report and its entities as they stand, for the version history and exports."""
    return {
        "reference": report.reference,
        "version": report.version,
        "title": report.title,
        "narrative": report.narrative,
        "facts_date": report.facts_date.isoformat() if report.facts_date else None,
        "place": report.place,
        "country": report.country_id,
        "region": report.region_id,
        "category": report.category,
        "agency": report.agency_id,
        "evaluation": report.evaluation,
        "handling": report.handling_code,
        "classification": report.classification,
        "entities": [
            {"role": m.role, **m.entity.to_ftm()}
            for m in report.mentions.select_related("entity").order_by("id")
        ],
    }


@transaction.atomic
def merge_entities(user, keep: Entity, duplicate: Entity, request=None) -> Entity:
    """Fold `duplicate` into `keep`: one record, every mention and relation kept, both spellings
    kept as values. Only within the owner platform, by an officer or supervisor."""
    _require(can_edit(user, keep) and can_edit(user, duplicate),
             _("Only the owner platform merges its records."))
    if keep.schema != duplicate.schema or keep.pk == duplicate.pk:
        raise RecordError({"schema": _("Only two different records of the same type merge.")})
    properties = {name: list(values) for name, values in keep.properties.items()}
    for name, values in duplicate.properties.items():
        properties.setdefault(name, [])
        properties[name] += [value for value in values if value not in properties[name]]
    written = {name: list(values) for name, values in keep.written.items()}
    for name, values in duplicate.written.items():
        written.setdefault(name, [])
        written[name] += [value for value in values if value not in written[name]]
    keep.properties, keep.written = properties, written
    keep.save()
    for mention in Mention.objects.filter(entity=duplicate):
        Mention.objects.get_or_create(report_id=mention.report_id, entity=keep, role=mention.role)
    Link.objects.filter(source=duplicate).update(source=keep)
    Link.objects.filter(target=duplicate).update(target=keep)
    for relation in Entity.objects.filter(pk__in=Link.objects.filter(via__isnull=False, source=keep)
                                          .values("via")):
        relation.properties = {
            name: [str(keep.pk) if value == str(duplicate.pk) else value for value in values]
            for name, values in relation.properties.items()}
        relation.save(update_fields=["properties"])
    duplicate_id = duplicate.pk
    duplicate.delete()
    index_entity(keep)
    record(AuditAction.UPDATE, request=request, actor=user, obj=keep,
           detail={"merged": str(duplicate_id)})
    record(AuditAction.DELETE, request=request, actor=user, object_type="records.entity",
           object_id=duplicate_id, detail={"merged_into": str(keep.pk)})
    transaction.on_commit(lambda: record_changed.send(Entity, instance=keep, actor=user))
    return keep
