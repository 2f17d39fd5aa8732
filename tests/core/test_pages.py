import pytest

from pcms.core.models import notify
from tests.conftest import sign_in


def test_home_page_shows_role_panels(client, make_user):
    admin = make_user("boss", "administrator")
    sign_in(client, admin)
    page = client.get("/").content.decode()
    assert 'data-panel="administration"' in page
    client.post("/accounts/logout/")
    officer = make_user("plain", "officer")
    sign_in(client, officer)
    page = client.get("/").content.decode()
    assert 'data-panel="account"' in page
    assert 'data-panel="administration"' not in page


def test_pages_stay_light_and_load_nothing_from_outside(officer_client):
    response = officer_client.get("/")
    html = response.content.decode()
    assert len(response.content) < 100_000
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html.replace("https://www.w3.org", "")


def test_strict_content_security_policy(officer_client):
    policy = officer_client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_inline_script_in_pages(officer_client, client):
    for html in (officer_client.get("/").content.decode(),):
        assert "<script>" not in html
        assert "onclick=" not in html


def test_healthz_reports_the_node(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "node": "NE", "database": "ok"}


def test_language_switch_to_arabic_is_right_to_left_and_remembered(officer_client, officer):
    response = officer_client.post("/language/", {"language": "ar", "next": "/"}, follow=True)
    html = response.content.decode()
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "bootstrap.rtl.min.css" in html
    officer.refresh_from_db()
    assert officer.language == "ar"


def test_unknown_language_is_refused_clearly(officer_client):
    response = officer_client.post("/language/", {"language": "xx", "next": "/"})
    assert response.status_code == 400
    assert "xx" in response.content.decode()


def test_language_switch_does_not_redirect_off_site(officer_client):
    response = officer_client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_forged_csrf_token_gets_a_clear_403(make_user, db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "formulaire" in response.content.decode()


def test_unknown_page_is_a_clean_404(officer_client):
    response = officer_client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def test_notifications_are_counted_in_the_navigation(officer_client, officer):
    notify(officer, "Nouvelle réponse à votre demande")
    page = officer_client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in page
    officer_client.post("/notifications/read/")
    page = officer_client.get("/").content.decode()
    assert "unread-count" not in page


@pytest.mark.parametrize("language,expected", [("fr", "Accueil"), ("en", "Home"), ("ar", "الرئيسية")])
def test_navigation_is_translated(officer_client, officer, language, expected):
    officer.language = language
    officer.save()
    assert expected in officer_client.get("/").content.decode()
