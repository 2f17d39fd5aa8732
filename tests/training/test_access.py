"""Who sees what: coordinators manage, others see their own history; reads and exports audited."""

import pytest

from pcms.accounts.models import ApiToken
from pcms.audit.models import AuditEntry
from pcms.training import services
from tests.conftest import page_text, sign_in
from tests.training.conftest import attend, make_official

MANAGER_PAGES = ["/training/", "/training/sessions/", "/training/courses/", "/training/officials/",
                 "/training/meetings/", "/training/sessions/new/", "/training/report.xlsx"]


@pytest.mark.parametrize("role", ["officer", "supervisor", "analyst", "dpo"])
def test_other_roles_cannot_open_the_programme_pages(client, make_user, session, role):
    sign_in(client, make_user(f"u-{role}", role))
    for url in [*MANAGER_PAGES, f"/training/sessions/{session.pk}/"]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["coordinator", "administrator"])
def test_coordinators_and_administrators_manage_the_programme(client, make_user, session, role):
    sign_in(client, make_user(f"u-{role}", role))
    for url in [*MANAGER_PAGES, f"/training/sessions/{session.pk}/"]:
        assert client.get(url).status_code == 200, url


def test_menu_shows_training_to_coordinators_only(client, make_user):
    sign_in(client, make_user("c", "coordinator"))
    assert 'href="/training/"' in client.get("/").content.decode()
    client.post("/accounts/logout/")
    sign_in(client, make_user("o", "officer"))
    page = client.get("/").content.decode()
    assert 'href="/training/"' not in page and 'href="/training/mine/"' in page


def test_reading_an_official_is_audited(coordinator_client, coordinator):
    official = make_official("Halima", "Abakar", country="TD", gender="female")
    response = coordinator_client.get(f"/training/officials/{official.pk}/")
    assert "Halima Abakar" in page_text(response)
    assert AuditEntry.objects.filter(action="read", actor=coordinator, object_type="training.official",
                                     object_id=str(official.pk)).exists()


def test_officer_sees_only_their_own_history_and_certificate(client, make_user, session, coordinator):
    officer = make_user("agent", "officer")
    mine = make_official("Agent", "Moi")
    services.link_account(mine, officer, actor=coordinator)
    registration = attend(session, mine)
    certificate = services.issue_certificate(registration, "fr", actor=coordinator)
    other = services.issue_certificate(attend(session, make_official("Autre", "Personne")), "fr",
                                       actor=coordinator)
    sign_in(client, officer)
    page = page_text(client.get("/training/mine/"))
    assert "Gestion intégrée des frontières" in page and certificate.code in page
    assert "Autre" not in page
    assert client.get(f"/training/mine/certificates/{certificate.pk}/pdf/").status_code == 200
    assert client.get(f"/training/mine/certificates/{other.pk}/pdf/").status_code == 404


def test_account_can_be_linked_to_one_official_only(coordinator, make_user):
    from django.core.exceptions import ValidationError

    user = make_user("someone", "officer")
    services.link_account(make_official("A", "One"), user, actor=coordinator)
    with pytest.raises(ValidationError):
        services.link_account(make_official("B", "Two"), user, actor=coordinator)


def api(client, user):
    _token, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_gives_indicators_and_participants_to_coordinators(client, coordinator, session):
    attend(session, make_official("Awa", "Sow", gender="female"))
    headers = api(client, coordinator)
    body = client.get("/api/v1/training/indicators", **headers).json()
    assert body["officials_trained"] == 1 and body["by_gender"][0]["key"] == "female"
    participants = client.get(f"/api/v1/training/sessions/{session.pk}/participants", **headers).json()
    assert participants[0]["last_name"] == "Sow"
    assert AuditEntry.objects.filter(action="read", object_type="training.session").exists()


def test_api_plans_a_session_and_refuses_bad_dates(client, coordinator, course):
    headers = api(client, coordinator)
    payload = {"course": course.code, "starts_on": "2025-09-01", "ends_on": "2025-09-03", "place": "Dakar",
               "country": "sn", "organiser": "Plateforme régionale"}
    response = client.post("/api/v1/training/sessions", payload, content_type="application/json", **headers)
    assert response.status_code == 201 and response.json()["country"] == "SN"
    response = client.post("/api/v1/training/sessions", {**payload, "ends_on": "2025-08-01"},
                           content_type="application/json", **headers)
    assert response.status_code == 422


def test_api_refuses_programme_data_to_other_roles_but_gives_their_own(client, make_user, session,
                                                                        coordinator):
    officer = make_user("agent", "officer")
    headers = api(client, officer)
    assert client.get("/api/v1/training/indicators", **headers).status_code == 403
    assert client.get(f"/api/v1/training/sessions/{session.pk}/participants", **headers).status_code == 403
    assert client.get("/api/v1/training/me", **headers).json() == []
    services.link_account(make_official("Agent", "Moi"), officer, actor=coordinator)
    attend(session, officer.training_profile)
    assert client.get("/api/v1/training/me", **headers).json()[0]["completed"] is True
