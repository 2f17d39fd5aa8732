import json

from pcms.audit.models import AuditEntry
from pcms.records import actions
from pcms.screening import nodeindex, services
from tests.conftest import page_text, sign_in

from .conftest import purpose, validated

SUBJECT = {"name": ["Mohamed Ould Abdallahi"], "birthDate": ["1985-03-07"], "nationality": ["mr"]}
NAMESAKE = {"name": ["Mohamed Ould Abdallahi"], "birthDate": ["1962-11-30"], "nationality": ["mr"]}
OTHER = {"name": ["Fatimata Traoré"], "birthDate": ["1990-01-01"]}


def people_on_the_node(niger, mali):
    officer, chief, _dpo = niger
    first, (subject, other) = validated(officer, chief, [SUBJECT, OTHER])
    actions.update_report(officer, first, {"title": "Famille"}, reason="lien familial")
    actions.relate(officer, first, "Family", subject, other, {"relationship": ["épouse"]})
    actions.validate(chief, first)
    second, (namesake,) = validated(officer, chief, [NAMESAKE], role="witness")
    passport = actions.add_entity(officer, first, "Passport", {
        "number": ["MR4471823"], "holder": [str(subject.pk)]})
    for entity in (subject, other, namesake):
        nodeindex.put(entity)
    query = {"schema": "Person", "properties": {"name": ["محمد ولد عبد الله"],
                                                "birthDate": ["1985"]}}
    services.screen(officer, query, purpose("border-control"), "Contrôle à Ayorou")
    services.screen(officer, {"schema": "Person", "properties": {"name": ["Fatimata Traoré"]}},
                    purpose("border-control"), "Contrôle à Tillabéri")
    services.screen(mali[0], query, purpose("border-control"), "Contrôle au Mali")
    return first, second, subject, namesake, other, passport


def test_subject_access_report_lists_everything_about_the_person_and_nothing_about_others(
        client, niger, mali):
    first, second, subject, namesake, other, passport = people_on_the_node(niger, mali)
    sign_in(client, niger[2])
    form = {"name": "Mohamed Ould Abdallahi", "birth_date": "1985-03-07", "nationality": "mr"}
    found = page_text(client.get("/dataprotection/subject-access/", form))
    assert f'value="{subject.pk}" id="record-{subject.pk}" checked' in found
    assert f'value="{namesake.pk}" id="record-{namesake.pk}">' in found
    assert str(other.pk) not in found

    report = client.get("/dataprotection/subject-access/",
                        {**form, "record": [str(subject.pk)], "format": "json"}).json()
    assert {r["id"] for r in report["records"]} == {str(subject.pk), str(passport.pk)}
    assert [r["reference"] for r in report["reports"]] == [first.reference]
    assert report["reports"][0]["legal_basis"] == "Code de procédure pénale"
    assert [r["relation"] for r in report["relations"]] == ["Family"]
    assert [s["reason"] for s in report["screenings"]] == ["Contrôle à Ayorou"]
    text = json.dumps(report, ensure_ascii=False)
    for foreign in ("Fatimata", "1962", second.reference, "Contrôle au Mali", "Tillabéri"):
        assert foreign not in text
    assert AuditEntry.objects.filter(action="export", object_type="dataprotection.subject").exists()


def test_subject_access_report_reads_as_a_page_and_as_a_pdf(client, niger, mali):
    _first, _second, subject, _namesake, _other, _passport = people_on_the_node(niger, mali)
    sign_in(client, niger[2])
    params = {"name": "محمد ولد عبد الله", "birth_date": "1985", "record": [str(subject.pk)]}
    page = page_text(client.get("/dataprotection/subject-access/", params))
    assert "Mohamed Ould Abdallahi" in page and "Fatimata" not in page
    pdf = client.get("/dataprotection/subject-access/", {**params, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_only_the_data_protection_officer_produces_subject_access_reports(client, niger):
    sign_in(client, niger[1])
    assert client.get("/dataprotection/subject-access/", {"name": "X"}).status_code == 403
