import csv
import io
import json

import pytest
from stix2validator import ValidationOptions, validate_string

from pcms.audit.models import AuditEntry
from pcms.imports import exports
from pcms.imports.exports import ExportRefused
from pcms.records import actions
from pcms.records.models import Entity


@pytest.fixture
def case(new_report, make_user):
    """A validated report: two people in a family, a vehicle, a phone and an address."""
    author = make_user("author-ne", "officer")
    report = new_report(author, dissemination="all")
    moussa = actions.add_entity(author, report, "Person", {
        "name": ["Moussa Traoré"], "birthDate": ["1984-05-02"], "nationality": ["ml"],
        "phone": ["+22790123456"], "email": ["moussa@example.org"],
        "notes": ['=HYPERLINK("http://example.invalid")']}, role="suspect")
    awa = actions.add_entity(author, report, "Person", {"name": ["Awa Traoré"]}, role="witness")
    actions.relate(author, report, "Family", moussa, awa, {"relationship": ["sister"]})
    actions.add_entity(author, report, "Vehicle", {"registrationNumber": ["AB-1234-NE"],
                                                   "owner": [str(moussa.pk)]}, role="vehicle_used")
    actions.add_entity(author, report, "Phone", {"number": ["+22790123456"]}, role="phone_used")
    actions.add_entity(author, report, "Address", {"full": ["Rue 12, Niamey"], "country": ["ne"]},
                       role="place")
    actions.submit(author, report)
    return actions.validate(make_user("chief-ne", "supervisor"), report)


def stix_results(content: bytes):
    return validate_string(content.decode(), ValidationOptions(version="2.1"))


def test_stix_bundle_is_valid_and_carries_handling(case, make_user):
    reader = make_user("analyst-ml", "analyst", platform="ML")
    result = exports.export(reader, format="stix", reports=[str(case.pk)])
    assert stix_results(result.content).is_valid
    bundle = json.loads(result.content)
    by_type: dict[str, list] = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    assert {o["name"] for o in by_type["identity"] if o.get("identity_class") == "individual"} == {
        "Moussa Traoré", "Awa Traoré"}
    assert {o["entity_type"] for o in by_type["ftm-entity"]} == {"Vehicle", "Phone"}
    assert by_type["location"][0]["country"] == "ne"
    assert {o["relationship_type"] for o in by_type["relationship"]} == {"family", "related-to"}
    report = by_type["report"][0]
    assert len(report["object_refs"]) == 7
    statements = [o["definition"]["statement"] for o in by_type["marking-definition"]
                  if o.get("definition_type") == "statement"]
    assert statements == ["Owner NE. Handling ALL / NO-ONWARD / NO-JUDICIAL. "
                          "Classification RESTRICTED. Status validated."]
    assert all(len(o["object_marking_refs"]) == 2 for o in by_type["identity"]
               if o.get("identity_class") == "individual")


def test_ftm_export_round_trips_through_followthemoney(case, make_user):
    from followthemoney.proxy import EntityProxy

    from pcms.records.schema import model

    reader = make_user("analyst-bf", "analyst", platform="BF")
    result = exports.export(reader, format="ftm", references=[case.reference.lower()])
    entities = [json.loads(line) for line in result.content.decode().splitlines()]
    assert len(entities) == 6
    for data in entities:
        proxy = EntityProxy(model().get(data["schema"]), data, cleaned=False)
        assert proxy.id == data["id"] and proxy.caption == data["caption"]
        assert data["handling"]["handling"] == "ALL / NO-ONWARD / NO-JUDICIAL"


def test_csv_export_neutralises_formulas_and_marks_handling(case, officer):
    reader = case.created_by
    result = exports.export(reader, format="csv", reports=[str(case.pk)])
    rows = list(csv.DictReader(io.StringIO(result.content.decode("utf-8-sig"))))
    moussa = next(row for row in rows if row["caption"] == "Moussa Traoré")
    assert moussa["notes"].startswith("'=HYPERLINK")
    assert moussa["handling"] == "ALL / NO-ONWARD / NO-JUDICIAL"
    assert moussa["classification"] == "RESTRICTED"


def test_profile_without_contact_details_drops_them(case):
    result = exports.export(case.created_by, format="ftm", profile="no_contact",
                            reports=[str(case.pk)])
    entities = [json.loads(line) for line in result.content.decode().splitlines()]
    assert {e["schema"] for e in entities} == {"Person", "Family", "Vehicle"}
    moussa = next(e for e in entities if e["caption"] == "Moussa Traoré")
    assert "phone" not in moussa["properties"] and "email" not in moussa["properties"]
    assert moussa["properties"]["birthDate"] == ["1984-05-02"]


def test_identification_profile_keeps_identity_and_stix_stays_valid(case):
    result = exports.export(case.created_by, format="stix", profile="identification",
                            reports=[str(case.pk)])
    assert stix_results(result.content).is_valid
    text = result.content.decode()
    assert "moussa@example.org" not in text and "HYPERLINK" not in text
    assert "Deux véhicules" not in text  # the narrative stays home


def test_export_holds_only_what_the_user_may_read(case, new_report, make_user):
    other = make_user("officer-ne2", "officer")
    draft = new_report(other, dissemination="all")
    secret = actions.add_entity(other, draft, "Person", {"name": ["Secret Person"]})
    reader = make_user("analyst-td", "analyst", platform="TD")
    result = exports.export(reader, format="ftm", reports=[str(case.pk), str(draft.pk)],
                            entities=[str(secret.pk)])
    text = result.content.decode()
    assert "Secret Person" not in text and str(secret.pk) not in text
    with pytest.raises(ExportRefused):
        exports.export(reader, format="csv", entities=[str(secret.pk)])


def test_each_export_is_audited_with_its_records(case):
    user = case.created_by
    exports.export(user, format="csv", reports=[str(case.pk)])
    entry = AuditEntry.objects.filter(action="export", actor=user).get()
    assert entry.detail["count"] == 6
    assert set(entry.detail["entities"]) == {str(pk) for pk in Entity.objects.values_list("pk", flat=True)}


def test_exports_are_limited_per_hour(case, settings):
    settings.EXPORTS_PER_HOUR = 2
    user = case.created_by
    for _ in range(2):
        exports.export(user, format="csv", reports=[str(case.pk)])
    with pytest.raises(ExportRefused):
        exports.export(user, format="csv", reports=[str(case.pk)])
    assert AuditEntry.objects.filter(action="export", actor=user).count() == 2


def test_references_to_records_left_out_are_dropped(case):
    moussa = Entity.objects.get(caption="Moussa Traoré")
    vehicle = Entity.objects.get(schema="Vehicle")
    result = exports.export(case.created_by, format="ftm", entities=[str(vehicle.pk)])
    (line,) = result.content.decode().splitlines()
    assert str(moussa.pk) not in line
