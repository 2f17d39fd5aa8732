"""Certificates: issued only to those who completed, printed in three languages, verifiable by anyone."""

import subprocess

import pytest
from django.core.exceptions import ValidationError

from pcms.audit.models import AuditEntry
from pcms.training import services
from pcms.training.models import Certificate
from tests.conftest import page_text
from tests.training.conftest import attend, make_official


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def completed(session):
    return attend(session, make_official("Aïssata", "Maïga", gender="female"))


@pytest.mark.parametrize("language,title", [
    ("fr", "Attestation de participation"), ("en", "Certificate of participation"),
    ("ar", "شهادة مشاركة")])
def test_certificate_is_printed_in_the_chosen_language_with_its_verification_code(
        coordinator_client, completed, tmp_path, language, title):
    response = coordinator_client.post(f"/training/registrations/{completed.pk}/certificate/",
                                       {"language": language})
    assert response["Content-Type"] == "application/pdf"
    certificate = Certificate.objects.get()
    text = pdf_text(response.content, tmp_path)
    assert title in text
    assert certificate.code in text
    assert f"/verify/{certificate.code}/" in text
    assert "Maïga" in text and "Niamey" in text
    assert certificate.language == language
    assert AuditEntry.objects.filter(action="export", object_type="training.certificate").exists()


def test_no_certificate_for_someone_who_missed_a_day(session, coordinator):
    registration = attend(session, make_official("Modou", "Fall"), days=2)
    with pytest.raises(ValidationError):
        services.issue_certificate(registration, "fr", actor=coordinator)
    assert not Certificate.objects.exists()


def test_session_prints_every_certificate_in_one_document(coordinator_client, session, tmp_path):
    attend(session, make_official("Awa", "Sow", gender="female"))
    attend(session, make_official("Issa", "Hamani"))
    attend(session, make_official("Absent", "Person"), days=0)
    response = coordinator_client.post(f"/training/sessions/{session.pk}/certificates/", {"language": "en"})
    assert response["Content-Type"] == "application/pdf"
    assert Certificate.objects.count() == 2
    text = pdf_text(response.content, tmp_path)
    assert "Awa Sow" in text and "Issa Hamani" in text and "Absent" not in text


def test_verify_page_is_public_and_shows_only_what_the_certificate_shows(client, completed, coordinator):
    official = completed.official
    official.email, official.phone = "secret@example.org", "+22790000000"
    official.save()
    certificate = services.issue_certificate(completed, "fr", actor=coordinator)
    response = client.get(f"/verify/{certificate.code}/")
    assert response.status_code == 200
    text = page_text(response)
    assert "authentique" in text and "Aïssata Maïga" in text
    assert "Gestion intégrée des frontières" in text and "Niamey" in text
    for private in ("secret@example.org", "+22790000000", "Police nationale", "Commissaire"):
        assert private not in text
    assert AuditEntry.objects.filter(action="read", object_type="training.certificate",
                                     object_id=str(certificate.pk)).exists()


def test_verify_accepts_the_code_typed_in_lower_case_without_dashes(client, completed, coordinator):
    certificate = services.issue_certificate(completed, "en", actor=coordinator)
    response = client.get(f"/verify/{certificate.code.replace('-', '').lower()}/")
    assert response.status_code == 200


def test_unknown_and_revoked_codes_say_so(client, completed, coordinator):
    assert client.get("/verify/AAAA-BBBB-CCCC/").status_code == 404
    certificate = services.issue_certificate(completed, "fr", actor=coordinator)
    services.revoke_certificate(certificate, actor=coordinator)
    response = client.get(f"/verify/{certificate.code}/")
    assert "révoqué" in page_text(response)


def test_reissuing_in_another_language_keeps_the_code(completed, coordinator):
    first = services.issue_certificate(completed, "fr", actor=coordinator)
    second = services.issue_certificate(completed, "ar", actor=coordinator)
    assert first.code == second.code and second.language == "ar"
    assert second.course_title == "الإدارة المتكاملة للحدود"
