"""Reports and entities as federated records.

A report travels with its fields, its handling and its mentions; each entity travels on its own
(a person, a vehicle, a relation), with the id of the report it was first reported in. Received
copies keep the originating platform as owner, so `visibility.can_edit` refuses every local
change, and the receiver's own search index and links are rebuilt from the payload. Users do
not travel: author and validator stay at the owner.

Mentions are listed on both sides (the report's, and each entity's), so whichever of the two
arrives second creates the link, whatever path and order they took.
"""

from datetime import date, datetime

from django.db.models import Q

from pcms.federation.registry import Deferred, register
from pcms.records import schema as ftm
from pcms.records.actions import _link
from pcms.records.models import Attachment, Entity, Mention, Report
from pcms.records.search import index_entity, index_report
from pcms.records.visibility import audience as platform_audience
from pcms.reference.models import Agency, Platform

REPORT = "records.report"
ENTITY = "records.entity"


def handling(record) -> dict:
    return {
        "owner": record.owner.code, "dissemination": record.dissemination,
        "recipients": sorted(p.code for p in record.recipients.all()),
        "onward": record.onward_allowed, "judicial": record.judicial_use,
        "hit_notice": record.hit_notice, "classification": record.classification,
        "status": record.status,
    }


_PLATFORMS: dict[str, Platform] = {}


def _platforms(codes) -> dict[str, Platform]:
    """Platforms by code; reference data, read again only when a code is new to this process."""
    if not set(codes) <= _PLATFORMS.keys():
        _PLATFORMS.clear()
        _PLATFORMS.update((p.code, p) for p in Platform.objects.all())
    return _PLATFORMS


def _set_handling(record, values: dict, origin: str) -> list[Platform]:
    platforms = _platforms([origin, *values["recipients"]])
    record.owner = platforms[origin]
    record.dissemination = values["dissemination"]
    record.onward_allowed = bool(values["onward"])
    record.judicial_use = bool(values["judicial"])
    record.hit_notice = bool(values["hit_notice"])
    record.classification = int(values["classification"])
    record.status = values["status"]
    return [platforms[code] for code in values["recipients"] if code in platforms]


def audience(record) -> set[str]:
    """The other platforms that may read the record, as `visibility.audience` decides: those its
    owner addresses it to while it is validated, and those a capability granted it to."""
    model = type(record)
    one = model.objects.filter(pk=record.pk)
    return {
        platform.code
        for platform in Platform.objects.filter(is_active=True).exclude(pk=record.owner_id)
        if one.filter(platform_audience(model, platform)).exists()
    }


def serialize_report(report: Report) -> dict:
    return {
        "reference": report.reference, "title": report.title, "narrative": report.narrative,
        "facts_date": report.facts_date.isoformat() if report.facts_date else None,
        "place": report.place, "country": report.country_id, "region": report.region_id,
        "category": report.category, "agency": report.agency.code if report.agency_id else None,
        "reliability": report.source_reliability, "credibility": report.credibility,
        "version": report.version,
        "validated_at": report.validated_at.isoformat() if report.validated_at else None,
        "handling": handling(report),
        "mentions": sorted([str(m.entity_id), m.role] for m in report.mentions.all()),
    }


def apply_report(record_id: str, payload: dict, origin: str) -> None:
    existing = Report.objects.filter(pk=record_id).first()
    report = existing or Report(id=record_id)
    recipients = _set_handling(report, payload["handling"], origin)
    report.reference = payload["reference"]
    report.title, report.narrative = payload["title"], payload["narrative"]
    report.facts_date = date.fromisoformat(payload["facts_date"]) if payload["facts_date"] else None
    report.place, report.category = payload["place"], payload["category"]
    report.country_id, report.region_id = payload["country"], payload["region"]
    report.agency = Agency.objects.filter(code=payload["agency"]).first() if payload["agency"] else None
    report.source_reliability, report.credibility = payload["reliability"], payload["credibility"]
    report.version = payload["version"]
    report.validated_at = (datetime.fromisoformat(payload["validated_at"])
                           if payload["validated_at"] else None)
    report.save(force_insert=existing is None)
    if recipients or existing:
        report.recipients.set(recipients)
    index_report(report)
    listed = {(entity_id, role) for entity_id, role in payload["mentions"]}
    present = {str(pk) for pk in Entity.objects.filter(pk__in={e for e, _r in listed})
               .values_list("pk", flat=True)}
    for mention in Mention.objects.filter(report=report):
        if (str(mention.entity_id), mention.role) not in listed:
            mention.delete()
    for entity_id, role in listed:
        if entity_id in present:
            Mention.objects.get_or_create(report=report, entity_id=entity_id, role=role)


def retract_report(record_id: str) -> None:
    Entity.objects.filter(origin_id=record_id).update(origin=None)
    for attachment in Attachment.objects.filter(report_id=record_id):
        attachment.file.delete(save=False)
    Report.objects.filter(pk=record_id).delete()


def serialize_entity(entity: Entity) -> dict:
    return entity_payload(
        entity.schema, entity.properties, entity.written,
        str(entity.origin_id) if entity.origin_id else None, handling(entity),
        sorted([str(m.report_id), m.role] for m in entity.mentions.all()),
    )


def entity_payload(schema: str, properties: dict, written: dict, origin: str | None,
                   handling_values: dict, mentions: list) -> dict:
    """The payload of an entity change; also used to train the compression dictionary."""
    payload = {"schema": schema, "properties": properties, "origin": origin,
               "handling": handling_values, "mentions": mentions}
    if written:
        payload["written"] = written
    return payload


def apply_entity(record_id: str, payload: dict, origin: str) -> None:
    report_id = payload["origin"]
    if report_id and not Report.objects.filter(pk=report_id).exists():
        raise Deferred(REPORT, report_id)
    schema = ftm.get_schema(payload["schema"])
    existing = Entity.objects.filter(pk=record_id).first()
    entity = existing or Entity(id=record_id)
    recipients = _set_handling(entity, payload["handling"], origin)
    entity.schema, entity.properties = schema.name, payload["properties"]
    entity.written = payload.get("written", {})
    entity.caption = ftm.caption(schema, entity.properties)
    entity.origin_id = report_id
    entity.save(force_insert=existing is None)
    if recipients or existing:
        entity.recipients.set(recipients)
    index_entity(entity)
    _link(entity, schema)
    # Relations of the same report that arrived before this entity now find their ends.
    if report_id:
        for sibling in Entity.objects.filter(origin_id=report_id).exclude(pk=entity.pk):
            if any(record_id in values for values in sibling.properties.values()):
                _link(sibling, ftm.get_schema(sibling.schema))
    listed = {r for r, _role in payload["mentions"]}
    reports = {str(pk) for pk in Report.objects.filter(pk__in=listed).values_list("pk", flat=True)
               } if listed else set()
    for report_id_, role in payload["mentions"]:
        if report_id_ in reports:
            Mention.objects.get_or_create(report_id=report_id_, entity=entity, role=role)


def retract_entity(record_id: str) -> None:
    Entity.objects.filter(pk=record_id).delete()


def entities_of(report: Report):
    """The entities to publish with a report: first reported in it, or mentioned in it."""
    return (Entity.objects.filter(Q(origin=report) | Q(mentions__report=report))
            .distinct().order_by("created_at", "id"))


def connect() -> None:
    register(Report, serialize_report, apply_report, audience, retract=retract_report)
    register(Entity, serialize_entity, apply_entity, audience, retract=retract_entity)
