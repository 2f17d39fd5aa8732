import json

from pcms.records.models import Entity, Link, Mention
from tests.imports.conftest import errors_of

FAMILY = [
    {"id": "p1", "schema": "Person", "properties": {"name": ["Moussa Traoré"], "nationality": ["ml"]}},
    {"id": "p2", "schema": "Person", "properties": {"name": ["Awa Traoré"]}},
    {"id": "f1", "schema": "Family", "properties": {"person": ["p1"], "relative": ["p2"],
                                                     "relationship": ["sister"]}},
    {"id": "v1", "schema": "Vehicle", "properties": {"registrationNumber": ["AB-1234-NE"],
                                                      "owner": ["p1"]}},
]


def lines(entities) -> bytes:
    return "\n".join(json.dumps(entity, ensure_ascii=False) for entity in entities).encode()


def test_ftm_lines_are_imported_with_references_rewired(run_import, draft):
    job = run_import(lines(FAMILY), "family.json")
    assert job.status == "done", job.errors
    moussa = Entity.objects.get(origin=draft, caption="Moussa Traoré")
    awa = Entity.objects.get(origin=draft, caption="Awa Traoré")
    family = Entity.objects.get(origin=draft, schema="Family")
    vehicle = Entity.objects.get(origin=draft, schema="Vehicle")
    assert family.properties["person"] == [str(moussa.pk)]
    assert family.properties["relative"] == [str(awa.pk)]
    assert vehicle.properties["owner"] == [str(moussa.pk)]
    assert Link.objects.filter(source=moussa, target=awa, via=family).exists()
    assert Link.objects.filter(source=vehicle, target=moussa).exists()
    roles = dict(Mention.objects.filter(report=draft).values_list("entity__schema", "role"))
    assert roles == {"Person": "suspect", "Vehicle": "vehicle_used"}


def test_ftm_array_is_imported(run_import, draft):
    job = run_import(json.dumps(FAMILY, indent=2).encode(), "family.json")
    assert job.status == "done", job.errors
    assert Entity.objects.filter(origin=draft).count() == 4


def test_unknown_schema_property_and_reference_name_their_line(run_import, draft):
    bad = [
        FAMILY[0],
        {"id": "x", "schema": "Spaceship", "properties": {"name": ["Nostromo"]}},
        {"id": "y", "schema": "Person", "properties": {"name": ["Ali"], "shoeSize": ["44"]}},
        {"id": "z", "schema": "Vehicle", "properties": {"registrationNumber": ["X1"],
                                                         "owner": ["nobody"]}},
    ]
    job = run_import(lines(bad), "bad.json")
    assert job.status == "invalid"
    assert errors_of(job) == [(2, "schema"), (3, "shoeSize"), (4, "owner")]
    assert not Entity.objects.filter(origin=draft).exists()


def test_ftm_array_errors_name_the_line_of_the_entity(run_import, draft):
    text = json.dumps([FAMILY[0], {"schema": "Person", "properties": {"birthDate": ["31/02/1990"],
                                                                       "name": ["A"]}}], indent=2)
    job = run_import(text.encode(), "array.json")
    assert job.status == "invalid"
    starts = [number for number, content in enumerate(text.splitlines(), start=1) if content == "  {"]
    line = starts[1]
    assert errors_of(job) == [(line, "birthDate")]


def test_truncated_json_is_refused(run_import, draft):
    job = run_import(json.dumps(FAMILY).encode()[:-20], "cut.json")
    assert job.status == "invalid"
    assert not Entity.objects.filter(origin=draft).exists()


def test_non_utf8_json_is_refused_naming_the_line(run_import, draft):
    job = run_import(lines(FAMILY[:1]) + b"\n" + '{"schema": "Person", "properties": {"name": ["Aïcha"]}}'
                     .encode("latin-1"), "latin.json")
    assert job.status == "invalid"
    assert job.errors[0]["line"] == 2
