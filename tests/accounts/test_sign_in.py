import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcms.audit.models import AuditEntry
from tests.conftest import PASSWORD, current_totp, page_text, sign_in


def test_wrong_password_is_refused_with_a_clear_message(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": "nope"})
    assert response.status_code == 401
    assert "Mot de passe ou nom d'utilisateur incorrect" in page_text(response)
    assert AuditEntry.objects.filter(action="login_failed", detail__username="officer").exists()


def test_password_alone_does_not_open_any_page(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


def test_totp_code_completes_sign_in(client, officer):
    sign_in(client, officer)
    response = client.get("/")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="two_factor", actor=officer).exists()


def test_wrong_totp_code_is_refused(client, officer):
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    response = client.post("/accounts/two-factor/", {"token": "000000"})
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_user_without_authenticator_must_enrol_first(client, make_user):
    make_user("newcomer", "officer", totp_device=False)
    response = client.post("/accounts/login/", {"username": "newcomer", "password": PASSWORD})
    assert response["Location"].startswith("/accounts/two-factor/setup/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user__username="newcomer", confirmed=False)
    confirmed = client.post("/accounts/two-factor/setup/", {"token": current_totp(device)})
    assert confirmed.status_code == 200
    assert "codes" in confirmed.context and len(confirmed.context["codes"]) == 10
    assert client.get("/").status_code == 200


def test_recovery_code_signs_in_once(client, make_user):
    user = make_user("traveller", "officer", totp_device=False)
    response = client.post("/accounts/login/", {"username": "traveller", "password": PASSWORD})
    client.get(response["Location"])
    device = TOTPDevice.objects.get(user=user)
    codes = client.post("/accounts/two-factor/setup/", {"token": current_totp(device)}).context["codes"]
    client.post("/accounts/logout/")
    for expected_status in (302, 401):
        client.post("/accounts/login/", {"username": "traveller", "password": PASSWORD})
        response = client.post("/accounts/two-factor/", {"token": codes[0]})
        assert response.status_code == expected_status
        client.post("/accounts/logout/")


@override_settings(PCMS_REQUIRE_2FA=False)
def test_demo_setting_relaxes_two_factor_and_says_so(client, make_user, settings):
    settings.DEMO = True
    make_user("visitor", "analyst", totp_device=False)
    response = client.post("/accounts/login/", {"username": "visitor", "password": PASSWORD},
                           follow=True)
    assert response.status_code == 200
    assert "L'authentification à deux facteurs est assouplie" in page_text(response)


def test_repeated_failures_lock_the_account(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "verrouillé" in page_text(response)
    assert client.get("/").status_code == 302


def test_passwords_are_hashed_with_argon2(officer):
    assert officer.password.startswith("argon2")


def test_production_hasher_is_argon2():
    from pcms import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("path", ["/", "/accounts/account/", "/notifications/", "/admin/"])
def test_pages_require_sign_in(client, db, path):
    response = client.get(path, follow=True)
    assert response.redirect_chain
    assert response.request["PATH_INFO"] == "/accounts/login/"


def test_admin_is_for_administrators_only(client, make_user):
    officer = make_user("plain", "officer")
    sign_in(client, officer)
    assert client.get("/admin/").status_code == 302  # sent to sign in as someone allowed
    admin_user = make_user("boss", "administrator")
    client.post("/accounts/logout/")
    sign_in(client, admin_user)
    response = client.get("/admin/reference/platform/")
    assert response.status_code == 200
    assert "NE" in page_text(response)
