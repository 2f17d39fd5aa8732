from datetime import timedelta

import pytest
from django.utils import timezone

from pcms.audit import services as audit
from pcms.audit.choices import AuditAction
from pcms.dataprotection.models import Correction
from pcms.records.models import Entity
from tests.conftest import page_text, sign_in

from .conftest import validated


def reads(user, count: int, days_ago: int, monkeypatch) -> None:
    moment = timezone.now() - timedelta(days=days_ago)
    monkeypatch.setattr(audit.timezone, "now", lambda: moment)
    for number in range(count):
        audit.record(AuditAction.READ, actor=user, object_type="records.entity",
                     object_id=f"r-{days_ago}-{number}")
    monkeypatch.undo()


def test_audit_search_finds_who_read_and_who_screened_whom_page_by_page(client, niger, mali,
                                                                       monkeypatch):
    officer, chief, dpo = niger
    reads(officer, 130, 1, monkeypatch)
    reads(mali[0], 3, 1, monkeypatch)
    from pcms.screening import services

    from .conftest import purpose

    services.screen(chief, {"schema": "Person", "properties": {"name": ["Aliou Maïga"]}},
                    purpose("border-control"), "Contrôle au poste de Makalondi")
    sign_in(client, dpo)
    first = page_text(client.get("/dataprotection/audit/", {"user": "officer-ne", "action": "read"}))
    assert first.count('data-action="read"') == 100 and 'id="older"' in first
    older = client.get("/dataprotection/audit/", {"user": "officer-ne", "action": "read",
                                                  "before": _last_id(first)})
    assert page_text(older).count('data-action="read"') == 30
    assert "officer-ml" not in page_text(client.get("/dataprotection/audit/", {"action": "read"}))
    screened = page_text(client.get("/dataprotection/audit/", {"user": "chief-ne"}))
    assert "Aliou Maïga" in screened and "Makalondi" in screened


def _last_id(page: str) -> str:
    return page.split("before=")[-1].split('"')[0]


def test_a_user_reading_far_more_than_usual_and_than_colleagues_is_flagged(client, niger, make_user,
                                                                          monkeypatch):
    officer, chief, dpo = niger
    colleague = make_user("second-ne", "officer")
    for days_ago in range(8, 60, 7):
        reads(officer, 5, days_ago, monkeypatch)
        reads(colleague, 6, days_ago, monkeypatch)
    reads(officer, 150, 2, monkeypatch)
    reads(colleague, 7, 2, monkeypatch)
    sign_in(client, dpo)
    page = page_text(client.get("/dataprotection/unusual/"))
    assert 'data-flagged="officer-ne"' in page and 'data-flagged="second-ne"' not in page
    assert "150 consultations en 7 jours" in page  # the explanation, in the reader's language


@pytest.mark.parametrize("role", ["officer", "supervisor", "analyst"])
def test_audit_and_oversight_pages_are_for_the_data_protection_officer_only(client, make_user, role):
    sign_in(client, make_user("someone", role))
    for url in ("/dataprotection/audit/", "/dataprotection/unusual/", "/dataprotection/"):
        assert client.get(url).status_code == 403


def test_a_correction_is_logged_with_its_reason_and_changes_the_record_through_records(
        client, niger):
    officer, chief, dpo = niger
    _report, (person,) = validated(officer, chief, [{"name": ["Aminata Maïga"],
                                                     "birthDate": ["1979-02-14"]}])
    sign_in(client, officer)
    response = client.post(f"/dataprotection/corrections/entity/{person.pk}/", {
        "what": "Date de naissance erronée", "why": "Pièce d'identité produite",
        "requested_by": "La personne concernée, par l'autorité nationale",
        "p_name": "Aminata Maïga", "p_birthDate": "1979-12-04"})
    assert response.status_code == 302, page_text(response)[:2000]
    assert Entity.objects.get(pk=person.pk).properties["birthDate"] == ["1979-12-04"]
    correction = Correction.objects.get()
    assert correction.changed_fields == ["birthDate"] and correction.recorded_by == officer
    client.logout()
    sign_in(client, dpo)
    assert "Date de naissance erronée" in page_text(client.get("/dataprotection/corrections/"))
