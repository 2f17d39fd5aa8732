import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pcms.audit.models import AuditEntry
from pcms.records.models import Attachment, Entity, Report
from tests.conftest import page_text, sign_in

REPORT_FORM = {
    "title": "Enlèvement près de Ménaka", "category": "kidnapping", "facts_date": "2026-10-02",
    "place": "Ménaka", "country": "ML", "region": "ML-9", "narrative": "Rançon demandée.",
    "source_reliability": "C", "credibility": "3", "dissemination": "named", "recipients": [],
    "classification": "1",
}


def report_form(**fields) -> dict:
    from pcms.reference.models import Purpose

    return {**REPORT_FORM, "purpose": Purpose.objects.get(code="organised-crime-investigation").pk,
            **fields}


def test_officer_enters_a_report_with_entities_in_french_and_arabic(client, officer):
    sign_in(client, officer)
    from pcms.reference.models import Platform

    form = report_form(recipients=[Platform.objects.get(code="ML").pk])
    response = client.post("/records/reports/new/", form)
    report = Report.objects.get()
    assert response["Location"] == f"/records/reports/{report.pk}/"
    for name in ("Moussa Ag Intalla", "Aminata Maïga"):
        client.post(f"/records/reports/{report.pk}/entities/add/",
                    {"schema": "Person", "save": "1", "p_name": name, "role": "suspect"})
    response = client.post(f"/records/reports/{report.pk}/entities/add/", {
        "schema": "Person", "save": "1", "p_name": "محمد ولد عبد الله", "p_birthDate": "1985",
        "p_nationality": "mr", "role": "victim"})
    assert response.status_code == 302
    page = page_text(client.get(f"/records/reports/{report.pk}/"))
    assert "محمد ولد عبد الله" in page and "Moussa Ag Intalla" in page
    assert "NAMED:ML / NO-ONWARD / NO-JUDICIAL" in page
    assert AuditEntry.objects.filter(action="read", object_id=str(report.pk)).exists()


def test_entity_form_reports_bad_values_on_the_field(officer_client, officer):
    from pcms.records import actions

    report = actions.create_report(officer, {"title": "t", "category": "other",
                                             "source_reliability": "F", "credibility": "6"})
    response = officer_client.post(f"/records/reports/{report.pk}/entities/add/", {
        "schema": "Person", "save": "1", "p_name": "Hama Issa", "p_birthDate": "31/02/1990"})
    assert response.status_code == 200
    assert "n'existe pas" in page_text(response) or "does not exist" in page_text(response)
    assert not Entity.objects.exists()


def test_schema_switch_returns_that_schema_fields(officer_client, officer):
    from pcms.records import actions

    report = actions.create_report(officer, {"title": "t", "category": "other",
                                             "source_reliability": "F", "credibility": "6"})
    response = officer_client.get(f"/records/reports/{report.pk}/entities/add/?schema=Firearm",
                                  HTTP_HX_REQUEST="true")
    assert 'name="p_serialNumber"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_validation_flow_through_the_pages(client, validated_report, make_user, new_report):
    author = make_user("writer", "officer")
    chief = make_user("chief", "supervisor")
    report = new_report(author)
    sign_in(client, author)
    client.post(f"/records/reports/{report.pk}/submit/")
    page = page_text(client.get(f"/records/reports/{report.pk}/"))
    assert 'id="validate-report"' not in page  # the author does not validate
    client.post("/accounts/logout/")
    sign_in(client, chief)
    client.post(f"/records/reports/{report.pk}/validate/", {"comment": "Conforme"})
    report.refresh_from_db()
    assert report.status == "validated"


@pytest.mark.parametrize("path", ["/records/reports/{pk}/", "/records/reports/{pk}/edit/"])
def test_other_platform_gets_404_for_a_record_kept_at_home(client, validated_report, make_user,
                                                            path):
    report = validated_report(dissemination="own")
    sign_in(client, make_user("ml-officer", "officer", platform="ML"))
    assert client.get(path.format(pk=report.pk)).status_code == 404


def test_list_and_search_show_only_readable_records(client, validated_report, make_user):
    hidden = validated_report(dissemination="own", title="Dossier interne")
    shared = validated_report(author=make_user("a2", "officer"), validator=make_user("v2", "supervisor"),
                              dissemination="all", title="Dossier partagé")
    sign_in(client, make_user("ml", "analyst", platform="ML"))
    page = page_text(client.get("/records/reports/"))
    assert shared.reference in page and hidden.reference not in page
    page = page_text(client.get("/records/search/?q=Dossier"))
    assert shared.reference in page and hidden.reference not in page
    page = page_text(client.get("/records/reports/?q=interne"))
    assert hidden.reference not in page


def test_filters_narrow_the_list(officer_client, officer, new_report):
    new_report(officer, title="Saisie à Arlit", category="arms_trafficking")
    new_report(officer, title="Escroquerie en ligne", category="cybercrime")
    page = page_text(officer_client.get("/records/reports/?category=cybercrime"))
    assert "Escroquerie en ligne" in page and "Saisie à Arlit" not in page


def test_a_long_list_counts_up_to_its_cap_and_pages_on(officer_client, officer, new_report,
                                                       monkeypatch):
    from pcms.core.generic import CappedPaginator
    from pcms.records.views import ReportListView

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    monkeypatch.setattr(ReportListView, "per_page", 2)
    for number in range(5):
        new_report(officer, title=f"Saisie numéro {number}")
    new_report(officer, title="Escroquerie en ligne", category="cybercrime")
    first = page_text(officer_client.get("/records/reports/?category=terrorism"))
    assert "Plus de 3 rapports" in first and "Saisie numéro 4" in first
    assert "Page 1<" in first and "Suivante" in first
    last = page_text(officer_client.get("/records/reports/?category=terrorism&page=3"))
    assert "Saisie numéro 0" in last and "Suivante" not in last and "Précédente" in last
    beyond = page_text(officer_client.get("/records/reports/?category=terrorism&page=9"))
    assert "Saisie numéro 4" in beyond  # a page past the end shows the first
    few = page_text(officer_client.get("/records/reports/?category=cybercrime"))
    assert "1 rapport" in few and "Plus de" not in few


def test_attachment_is_checked_and_served_only_to_readers(client, make_user, validated_report):
    report = validated_report(dissemination="own")
    author = report.created_by
    sign_in(client, author)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00not an image", content_type="image/jpeg")
    client.post(f"/records/reports/{report.pk}/attachments/", {"file": fake})
    assert not Attachment.objects.exists()
    png = SimpleUploadedFile("../../etc/passwd.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    client.post(f"/records/reports/{report.pk}/attachments/", {"file": png})
    attachment = Attachment.objects.get()
    assert attachment.filename == "passwd.png" and len(attachment.sha256) == 64
    response = client.get(f"/records/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    client.post("/accounts/logout/")
    sign_in(client, make_user("ml", "officer", platform="ML"))
    assert client.get(f"/records/attachments/{attachment.pk}/").status_code == 404


def test_coordinator_has_no_access_to_records(client, make_user):
    sign_in(client, make_user("coord", "coordinator"))
    assert client.get("/records/reports/").status_code == 403
