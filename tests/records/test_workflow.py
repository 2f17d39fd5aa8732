import pytest
from django.core.exceptions import PermissionDenied

from pcms.audit.models import AuditEntry
from pcms.records import actions
from pcms.records.choices import Status
from pcms.records.models import Entity, Link, ReportVersion


def test_report_gets_a_platform_reference_and_starts_as_draft(new_report, officer):
    report = new_report(officer)
    assert report.reference.startswith("NE-") and report.reference.endswith("000001")
    assert report.status == Status.DRAFT
    assert new_report(officer).reference.endswith("000002")
    assert AuditEntry.objects.filter(action="create", object_id=str(report.pk)).exists()


def test_author_cannot_validate_own_report(new_report, make_user):
    supervisor = make_user("solo", "supervisor")
    report = new_report(supervisor)
    actions.submit(supervisor, report)
    with pytest.raises(PermissionDenied):
        actions.validate(supervisor, report)


def test_second_supervisor_validates_and_every_step_is_recorded(new_report, officer, make_user):
    report = new_report(officer)
    actions.submit(officer, report)
    chief = make_user("chief", "supervisor")
    report = actions.validate(chief, report)
    assert report.status == Status.VALIDATED and report.validated_by == chief
    steps = list(report.steps.values_list("status", "actor__username"))
    assert steps == [("draft", "officer"), ("submitted", "officer"), ("validated", "chief")]


def test_supervisor_of_another_platform_cannot_validate(new_report, officer, make_user):
    report = new_report(officer)
    actions.submit(officer, report)
    with pytest.raises(PermissionDenied):
        actions.validate(make_user("chief-ml", "supervisor", platform="ML"), report)


def test_returned_report_needs_a_reason_and_can_be_resubmitted(new_report, officer, make_user):
    report = new_report(officer)
    actions.submit(officer, report)
    chief = make_user("chief", "supervisor")
    with pytest.raises(actions.RecordError):
        actions.return_for_correction(chief, report, "  ")
    report = actions.return_for_correction(chief, report, "Préciser le lieu")
    assert report.status == Status.RETURNED
    assert actions.submit(officer, report).status == Status.SUBMITTED


def test_correction_after_validation_keeps_the_validated_version(validated_report, make_user):
    report = validated_report()
    author = report.created_by
    with pytest.raises(actions.RecordError):
        actions.update_report(author, report, {"title": "Nouveau titre"})
    report = actions.update_report(author, report, {"title": "Nouveau titre"},
                                   reason="Erreur de lieu")
    assert report.version == 2 and report.status == Status.SUBMITTED
    old = ReportVersion.objects.get(report=report, version=1)
    assert old.snapshot["title"] == "Passage suspect au poste frontière"
    assert old.snapshot["entities"][0]["properties"]["name"] == ["Moussa Traoré"]
    # Its entities leave the audience until a supervisor validates the correction.
    assert set(Entity.objects.filter(origin=report).values_list("status", flat=True)) == {"submitted"}


def test_only_the_owner_platform_edits(validated_report, make_user):
    report = validated_report()
    with pytest.raises(PermissionDenied):
        actions.update_report(make_user("ml", "officer", platform="ML"), report, {"title": "x"},
                              reason="y")
    with pytest.raises(PermissionDenied):
        actions.update_report(make_user("an", "analyst"), report, {"title": "x"}, reason="y")


def test_values_are_normalised_and_kept_as_written(new_report, officer):
    report = new_report(officer)
    person = actions.add_entity(officer, report, "Person", {
        "name": ["محمد ولد عبد الله"], "birthDate": ["07/03/1985"], "nationality": ["Niger"],
        "phone": ["96 12 34 56"], "passportNumber": ["ab 12-34.56"],
    }, role="suspect")
    assert person.properties["name"] == ["محمد ولد عبد الله"]
    assert person.properties["birthDate"] == ["1985-03-07"]
    assert person.properties["nationality"] == ["ne"]
    assert person.properties["phone"] == ["+22796123456"]
    assert person.properties["passportNumber"] == ["AB123456"]
    assert person.written["phone"] == ["96 12 34 56"]
    assert actions.add_entity(officer, report, "Person", {"name": ["X"], "birthDate": ["1985"]}
                              ).properties["birthDate"] == ["1985"]


@pytest.mark.parametrize("properties,field", [
    ({"name": ["A"], "birthDate": ["31/02/1990"]}, "birthDate"),
    ({"name": ["A"], "nationality": ["Atlantis"]}, "nationality"),
    ({"name": ["A"], "phone": ["not a phone"]}, "phone"),
    ({"name": ["A"], "shoeSize": ["44"]}, "shoeSize"),
])
def test_bad_values_are_refused_naming_the_field(new_report, officer, properties, field):
    report = new_report(officer)
    with pytest.raises(actions.RecordError) as error:
        actions.add_entity(officer, report, "Person", properties)
    assert field in error.value.errors
    assert not Entity.objects.exists()


def test_script_tag_in_a_name_is_stored_as_text(new_report, officer):
    report = new_report(officer)
    person = actions.add_entity(officer, report, "Person", {"name": ["<script>alert(1)</script>"]})
    assert person.properties["name"] == ["<script>alert(1)</script>"]


def test_firearm_and_phone_are_schema_extensions(new_report, officer):
    report = new_report(officer)
    rifle = actions.add_entity(officer, report, "Firearm", {
        "make": ["Kalachnikov"], "model": ["AKM"], "calibre": ["7.62x39"],
        "serialNumber": ["KL-1984 556"]}, role="weapon_used")
    assert rifle.properties["serialNumber"] == ["KL1984556"]
    phone = actions.add_entity(officer, report, "Phone", {"number": ["+227 90 00 11 22"],
                                                          "imei": ["35-209900-176148-1"]})
    assert phone.properties["number"] == ["+22790001122"] and phone.caption == "+22790001122"
    with pytest.raises(actions.RecordError) as error:
        actions.add_entity(officer, report, "Firearm", {"make": ["Sans numéro"]})
    assert "serialNumber" in error.value.errors


def test_relations_are_first_class_and_linked(new_report, officer):
    report = new_report(officer)
    father = actions.add_entity(officer, report, "Person", {"name": ["Abdallahi Ould Sidi"]})
    son = actions.add_entity(officer, report, "Person", {"name": ["Mohamed Ould Abdallahi"]})
    family = actions.relate(officer, report, "Family", son, father, {"relationship": ["son"]})
    link = Link.objects.get(via=family)
    assert (link.source, link.target, link.label) == (son, father, "Family")
    car = actions.add_entity(officer, report, "Vehicle", {"registrationNumber": ["AB 1234 NE"]})
    owns = actions.relate(officer, report, "Ownership", son, car)
    assert Link.objects.filter(via=owns, source=son, target=car).exists()
    with pytest.raises(actions.RecordError):
        actions.relate(officer, report, "Person", son, father)
