"""Reports and entities as federated records.

A report travels with its fields, its handling and its mentions; each entity travels on its own
(a person, a vehicle, a relation), with the id of the report it was first reported in and which
of its recipients will get that report: those wait for the report, the others (a person sent
alone with a message) take the entity without it. Received copies keep the originating
platform as owner, so `visibility.can_edit` refuses every local change, and the receiver's own
search index and links are rebuilt from the payload. Users do not travel: author and validator
stay at the owner.

Mentions are listed on both sides (the report's, and each entity's), so whichever of the two
arrives second creates the link, whatever path and order they took.
"""

from datetime import date, datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from pcms.federation.registry import Deferred, register, remembered
from pcms.records import schema as ftm
from pcms.records.actions import rebuild_links
from pcms.records.models import Attachment, Entity, Link, Mention, Report, SearchToken
from pcms.records.search import entity_text, index_report, tokens
from pcms.records.visibility import audience as platform_audience
from pcms.reference.models import Agency, Platform, Purpose

REPORT = "records.report"
ENTITY = "records.entity"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def handling(record) -> dict:
    return {
        "owner": record.owner.code, "dissemination": record.dissemination,
        "recipients": sorted(p.code for p in record.recipients.all()),
        "onward": record.onward_allowed, "judicial": record.judicial_use,
        "hit_notice": record.hit_notice, "classification": record.classification,
        "status": record.status, "review_due": _iso(record.review_due),
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
    # A node not yet upgraded sends no review date: the copy then keeps none.
    record.review_due = _day(values.get("review_due"))
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


def purpose_payload(purpose: Purpose | None) -> dict | None:
    """A purpose travels whole: the receiver may not have it in its own list."""
    if purpose is None:
        return None
    return {"code": purpose.code, "legal_basis": purpose.legal_basis,
            "name": {"fr": purpose.name_fr, "en": purpose.name_en, "ar": purpose.name_ar}}


def purpose_of(values: dict | None) -> Purpose | None:
    """The local purpose of that code; one unknown here is added, inactive (it is the owner's
    purpose, not offered for this node's own records)."""
    if not values:
        return None
    names = values.get("name") or {}
    purpose, _created = Purpose.objects.get_or_create(code=values["code"], defaults={
        "legal_basis": values.get("legal_basis", "")[:300], "is_active": False,
        "name_fr": (names.get("fr") or values["code"])[:200],
        "name_en": (names.get("en") or names.get("fr") or values["code"])[:200],
        "name_ar": (names.get("ar") or "")[:200]})
    return purpose


def serialize_report(report: Report) -> dict:
    return {
        "reference": report.reference, "title": report.title, "narrative": report.narrative,
        "facts_date": _iso(report.facts_date),
        "place": report.place, "country": report.country_id, "region": report.region_id,
        "category": report.category, "agency": report.agency.code if report.agency_id else None,
        "purpose": purpose_payload(report.purpose),
        "reliability": report.source_reliability, "credibility": report.credibility,
        "version": report.version,
        "validated_at": _iso(report.validated_at),
        "handling": handling(report),
        "mentions": sorted([str(m.entity_id), m.role] for m in report.mentions.all()),
    }


def apply_report(record_id: str, payload: dict, origin: str) -> None:
    existing = Report.objects.filter(pk=record_id).first()
    report = existing or Report(id=record_id)
    recipients = _set_handling(report, payload["handling"], origin)
    report.reference = payload["reference"]
    report.title, report.narrative = payload["title"], payload["narrative"]
    report.facts_date = _day(payload["facts_date"])
    report.place, report.category = payload["place"], payload["category"]
    report.country_id, report.region_id = payload["country"], payload["region"]
    report.agency = Agency.objects.filter(code=payload["agency"]).first() if payload["agency"] else None
    report.purpose = purpose_of(payload.get("purpose"))
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
    Mention.objects.bulk_create(
        [Mention(report=report, entity_id=entity_id, role=role)
         for entity_id, role in listed if entity_id in present], ignore_conflicts=True)


def retract_report(record_id: str) -> None:
    Entity.objects.filter(origin_id=record_id).update(origin=None)
    for attachment in Attachment.objects.filter(report_id=record_id):
        attachment.file.delete(save=False)
    Report.objects.filter(pk=record_id).delete()


def serialize_entity(entity: Entity) -> dict:
    return entity_for(entity, audience(entity))


def entity_for(entity: Entity, recipients: set[str]) -> dict:
    """The payload of an entity for `recipients`, naming those of them that will get its origin
    report: the others take the entity without it instead of waiting for a report that will
    never come (a person sent alone with a message). The report's audience is computed once
    per publishing pass, however many of its entities are published in it."""
    origin = str(entity.origin_id) if entity.origin_id else None
    origin_to = None
    if origin:
        origin_to = sorted(recipients & remembered((REPORT, origin),
                                                   lambda: audience(entity.origin)))
    return entity_payload(
        entity.schema, entity.properties, entity.written, origin, handling(entity),
        sorted([str(m.report_id), m.role] for m in entity.mentions.all()), origin_to)


def entity_payload(schema: str, properties: dict, written: dict, origin: str | None,
                   handling_values: dict, mentions: list, origin_to: list | None = None) -> dict:
    """The payload of an entity change; also used to train the compression dictionary."""
    payload = {"schema": schema, "properties": properties, "origin": origin,
               "handling": handling_values, "mentions": mentions}
    if written:
        payload["written"] = written
    if origin_to is not None:
        payload["origin_to"] = origin_to
    return payload


def _origin_comes(payload: dict, here: str) -> bool:
    """Whether this node will get the entity's origin report: a sender not yet upgraded does
    not say, and its entities wait for their report as they always did."""
    return "origin_to" not in payload or here in payload["origin_to"]


ENTITY_FIELDS = ("owner", "dissemination", "onward_allowed", "judicial_use", "hit_notice",
                 "classification", "status", "review_due", "schema", "properties", "written",
                 "caption", "origin", "updated_at")


def apply_entities(changes: list[tuple[str, dict, str]]) -> dict[str, str]:
    """Entity changes of one batch, `(record id, payload, origin)` each, written together.

    Rows, recipients, search words and mentions are written in bulk, a few queries whatever the
    number of entities; links are rebuilt for the entities that reference others. An entity whose
    report has not arrived, and will, is left out, before anything is written: the returned dict
    names, for each of those, the record it waits for. One whose report this node will never
    get is written without it."""
    reports = {payload["origin"] for _id, payload, _o in changes if payload["origin"]}
    present = ({str(pk) for pk in Report.objects.filter(pk__in=reports).values_list("pk", flat=True)}
               if reports else set())
    waiting, origins = {}, {}
    for record_id, payload, _o in changes:
        report_id = payload["origin"]
        if report_id and report_id not in present:
            if _origin_comes(payload, settings.PCMS_NODE):
                waiting[record_id] = Deferred(REPORT, report_id).key
                continue
            report_id = None
        origins[record_id] = report_id
    changes = [change for change in changes if change[0] not in waiting]
    if not changes:
        return waiting
    ids = [record_id for record_id, _p, _o in changes]
    existing = {str(entity.pk): entity for entity in Entity.objects.filter(pk__in=ids)}
    created, updated, recipients, referencing = [], [], [], []
    now = timezone.now()
    for record_id, payload, origin in changes:
        schema = ftm.get_schema(payload["schema"])
        entity = existing.get(record_id) or Entity(id=record_id)
        recipients += [(record_id, platform.pk)
                       for platform in _set_handling(entity, payload["handling"], origin)]
        entity.schema, entity.properties = schema.name, payload["properties"]
        entity.written = payload.get("written", {})
        entity.caption = ftm.caption(schema, entity.properties)
        entity.origin_id, entity.updated_at = origins[record_id], now
        (updated if record_id in existing else created).append(entity)
        if ftm.entity_references(schema, entity.properties):
            referencing.append((entity, schema))
    Entity.objects.bulk_create(created)
    if updated:
        Entity.objects.bulk_update(updated, ENTITY_FIELDS)
        old = list(existing)
        Entity.recipients.through.objects.filter(entity_id__in=old).delete()
        SearchToken.objects.filter(entity_id__in=old).delete()
        Link.objects.filter(via_id__in=old).delete()
    Entity.recipients.through.objects.bulk_create(
        Entity.recipients.through(entity_id=record_id, platform_id=platform)
        for record_id, platform in recipients)
    # In token order, the index on tokens grows at its end instead of everywhere at once.
    SearchToken.objects.bulk_create(
        SearchToken(token=token, entity_id=entity_id) for token, entity_id in sorted(
            ((token, entity.pk) for entity in [*created, *updated]
             for token in tokens(entity_text(entity))), key=lambda pair: pair[0]))
    for entity, schema in referencing:
        rebuild_links(entity, schema)
    # Relations of the same reports that arrived earlier now find their ends.
    arrived = set(ids)
    reported_in = {report_id for report_id in origins.values() if report_id}
    if reported_in:
        for sibling in Entity.objects.filter(origin_id__in=reported_in).exclude(pk__in=ids):
            if any(arrived.intersection(values) for values in sibling.properties.values()):
                rebuild_links(sibling)
    listed = {(report_id, record_id, role) for record_id, payload, _o in changes
              for report_id, role in payload["mentions"]}
    mentioned = {str(pk) for pk in Report.objects.filter(
        pk__in={report_id for report_id, _e, _r in listed}).values_list("pk", flat=True)
                 } if listed else set()
    Mention.objects.bulk_create(
        [Mention(report_id=report_id, entity_id=record_id, role=role)
         for report_id, record_id, role in listed if report_id in mentioned],
        ignore_conflicts=True)
    return waiting


def apply_entity(record_id: str, payload: dict, origin: str) -> None:
    waiting = apply_entities([(record_id, payload, origin)])
    if waiting:
        record_type, _sep, report_id = waiting[record_id].partition(":")
        raise Deferred(record_type, report_id)


def retract_entity(record_id: str) -> None:
    Entity.objects.filter(pk=record_id).delete()


def entities_of(report: Report):
    """The entities to publish with a report: first reported in it, or mentioned in it."""
    return (Entity.objects.filter(Q(origin=report) | Q(mentions__report=report))
            .distinct().order_by("created_at", "id"))


def connect() -> None:
    register(Report, serialize_report, apply_report, audience, retract=retract_report)
    register(Entity, serialize_entity, apply_entity, audience, retract=retract_entity,
             apply_many=apply_entities, serialize_for=entity_for)
