"""Records as a STIX 2.1 bundle, for threat-intelligence platforms.

People and organisations become `identity` objects, addresses with a country `location`; the
other entity types (vehicles, firearms, phones, documents, events, notes), which STIX lacks,
become `ftm-entity` objects of a new-SDO extension. The followthemoney properties ride along in
that extension on every object, so nothing is lost to a reader that knows it. Relations become
`relationship` objects, references between entities `related-to` relationships, and each report
a `report` whose `object_refs` name its records. Handling travels as markings: a TLP level (own
platform only: red; onward use allowed to all member states: green; otherwise amber) and a
statement with the full handling code and classification.
"""

import hashlib
import uuid
from datetime import UTC, datetime

import stix2
from django.conf import settings
from followthemoney.types import registry

from pcms.imports.exports import marking
from pcms.imports.profiles import keeps_narrative
from pcms.records import schema as ftm
from pcms.records.choices import Dissemination
from pcms.records.models import Entity, Report

EXTENSION_ID = "extension-definition--6e5b2c1a-9f0d-4c47-8a3e-2d7f4b9c1e05"
PROPERTIES_ID = "extension-definition--0c8f3e52-7d41-4b6a-9a2e-5f1c3b7d8e90"
ENTITY_TYPE = "ftm-entity"
PERSON_SCHEMATA = {"Person"}
ORGANISATION_SCHEMATA = {"Organization", "Company", "LegalEntity", "PublicBody"}
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


@stix2.CustomObject(ENTITY_TYPE, [
    ("name", stix2.properties.StringProperty(required=True)),
    ("entity_type", stix2.properties.StringProperty(required=True)),
    ("properties", stix2.properties.DictionaryProperty()),
], extension_name=EXTENSION_ID)
class FtmEntity:
    """An entity of a type STIX lacks, with its followthemoney properties."""


@stix2.CustomExtension(PROPERTIES_ID, [
    ("schema", stix2.properties.StringProperty(required=True)),
    ("properties", stix2.properties.DictionaryProperty(required=True)),
])
class FtmProperties:
    """The followthemoney schema and properties of an entity that STIX has a type for."""

    extension_type = "property-extension"


def stable_id(kind: str, *parts: str) -> str:
    """The same STIX id for the same thing in every export, in UUID version 4 form."""
    digest = hashlib.sha256("\x1f".join(("pcms", kind, *parts)).encode()).digest()
    return f"{kind}--{uuid.UUID(bytes=digest[:16], version=4)}"


def _producer() -> stix2.Identity:
    node = settings.PCMS_NODE
    return stix2.Identity(id=stable_id("identity", "node", node), name=f"pcms {node}",
                          identity_class="organization", created=EPOCH, modified=EPOCH,
                          description=f"Cooperation platform {node}")


def _extensions(producer: stix2.Identity) -> list[stix2.ExtensionDefinition]:
    common = {"created_by_ref": producer.id, "created": EPOCH, "modified": EPOCH,
              "schema": "https://followthemoney.tech/explorer/schemata/", "version": "1.0.0"}
    return [
        stix2.ExtensionDefinition(
            id=EXTENSION_ID, name="followthemoney entity", extension_types=["new-sdo"],
            description="An entity of a followthemoney type that STIX lacks (vehicle, firearm, "
                        "phone, document, event...): its type and its properties as lists of "
                        "values.", **common),
        stix2.ExtensionDefinition(
            id=PROPERTIES_ID, name="followthemoney properties", extension_types=["property-extension"],
            description="The followthemoney schema and properties of an object that STIX has a "
                        "type for (a person as an identity, an address as a location).", **common),
    ]


class _Markings:
    """A TLP marking and a handling statement for each record, each statement made once."""

    def __init__(self) -> None:
        self.objects: dict[str, object] = {}

    def refs(self, record_: Report | Entity) -> list[str]:
        tlp = self._tlp(record_)
        mark = marking(record_)
        text = (f"Owner {mark['owner']}. Handling {mark['handling']}. "
                f"Classification {mark['classification']}. Status {mark['status']}.")
        statement = stix2.MarkingDefinition(
            id=stable_id("marking-definition", text), created=EPOCH, definition_type="statement",
            definition=stix2.StatementMarking(statement=text))
        self.objects.setdefault(tlp.id, tlp)
        self.objects.setdefault(statement.id, statement)
        return [tlp.id, statement.id]

    @staticmethod
    def _tlp(record_: Report | Entity):
        if record_.dissemination == Dissemination.OWN:
            return stix2.TLP_RED
        if record_.dissemination == Dissemination.ALL and record_.onward_allowed:
            return stix2.TLP_GREEN
        return stix2.TLP_AMBER


def _times(record_) -> dict:
    created = record_.created_at
    return {"created": created, "modified": max(created, record_.updated_at)}


def _entity_object(entity: Entity, properties: dict, common: dict):
    schema = ftm.get_schema(entity.schema)
    extension = {PROPERTIES_ID: FtmProperties(schema=entity.schema, properties=properties)}
    object_id = f"--{entity.pk}"
    if entity.schema in PERSON_SCHEMATA | ORGANISATION_SCHEMATA:
        kind = "individual" if entity.schema in PERSON_SCHEMATA else "organization"
        return stix2.Identity(id="identity" + object_id, name=entity.caption, identity_class=kind,
                              extensions=extension, **common)
    country = next((value for name, values in properties.items()
                    if schema.properties[name].type == registry.country for value in values), None)
    if entity.schema == "Address" and country:
        return stix2.Location(id="location" + object_id, name=entity.caption, country=country,
                              extensions=extension, **common)
    return FtmEntity(id=ENTITY_TYPE + object_id, name=entity.caption, entity_type=entity.schema,
                     properties=properties, **common)


def to_stix(reports: list[Report], items: list[tuple[Entity, dict]], profile: str) -> bytes:
    producer = _producer()
    markings = _Markings()
    objects: list = [producer, *_extensions(producer)]
    stix_ids: dict[str, str] = {}
    relations: list[tuple[Entity, dict]] = []
    for entity, properties in items:
        schema = ftm.get_schema(entity.schema)
        if schema.edge:
            relations.append((entity, properties))
            continue
        common = {**_times(entity), "created_by_ref": producer.id,
                  "object_marking_refs": markings.refs(entity)}
        obj = _entity_object(entity, properties, common)
        stix_ids[str(entity.pk)] = obj.id
        objects.append(obj)
    derived: dict[str, list[str]] = {}
    for entity, properties in items:
        references = _references(entity, properties, stix_ids, producer, markings)
        derived[str(entity.pk)] = [relationship.id for relationship in references]
        objects += references
    for entity, properties in relations:
        schema = ftm.get_schema(entity.schema)
        for source in properties[schema.source_prop.name]:
            for target in properties[schema.target_prop.name]:
                relationship = stix2.Relationship(
                    id=stable_id("relationship", str(entity.pk), source, target),
                    relationship_type=_relationship_type(schema.name),
                    source_ref=stix_ids[source], target_ref=stix_ids[target],
                    description=entity.caption, created_by_ref=producer.id,
                    object_marking_refs=markings.refs(entity), **_times(entity),
                    extensions={PROPERTIES_ID: FtmProperties(schema=entity.schema,
                                                             properties=properties)})
                stix_ids.setdefault(str(entity.pk), relationship.id)
                objects.append(relationship)
    exported = {str(entity.pk) for entity, _props in items}
    for report in reports:
        refs = [ref for pk in _report_entity_ids(report) if pk in exported and pk in stix_ids
                for ref in (stix_ids[pk], *derived.get(pk, []))]
        objects.append(stix2.Report(
            id=f"report--{report.pk}", name=report.title, published=report.validated_at or report.created_at,
            report_types=["threat-report"], object_refs=refs or [producer.id],
            description=report.narrative if keeps_narrative(profile) and report.narrative else None,
            labels=[report.category], created_by_ref=producer.id,
            external_references=[{"source_name": "pcms", "external_id": report.reference}],
            object_marking_refs=markings.refs(report), **_times(report)))
    bundle = stix2.Bundle(*objects, *markings.objects.values(), allow_custom=True)
    return bundle.serialize(pretty=False).encode("utf-8")


def _references(entity: Entity, properties: dict, stix_ids: dict[str, str], producer,
                markings: _Markings) -> list:
    schema = ftm.get_schema(entity.schema)
    if schema.edge or str(entity.pk) not in stix_ids:
        return []
    return [
        stix2.Relationship(
            id=stable_id("relationship", str(entity.pk), name, target), relationship_type="related-to",
            source_ref=stix_ids[str(entity.pk)], target_ref=stix_ids[target],
            description=schema.properties[name].label, created_by_ref=producer.id,
            object_marking_refs=markings.refs(entity), **_times(entity))
        for name, target in ftm.entity_references(schema, properties) if target in stix_ids
    ]


def _relationship_type(schema_name: str) -> str:
    """followthemoney's relation name in STIX's lower-case, hyphenated form (UnknownLink:
    unknown-link)."""
    words = []
    for char in schema_name:
        if char.isupper() and words:
            words.append("-")
        words.append(char.lower())
    return "".join(words)


def _report_entity_ids(report: Report) -> list[str]:
    ids = list(Entity.objects.filter(origin=report).values_list("pk", flat=True))
    ids += list(report.mentions.values_list("entity_id", flat=True))
    return list(dict.fromkeys(str(pk) for pk in ids))
