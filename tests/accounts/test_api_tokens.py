from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from pcms.accounts.models import ApiToken


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_token_command_prints_a_working_token(client, officer, capsys):
    call_command("token", "create", "officer")
    key = capsys.readouterr().out.strip()
    assert key.startswith("pcms_")
    response = client.get("/api/v1/me", **bearer(key))
    assert response.status_code == 200
    assert response.json()["platform"] == "NE"
    assert response.json()["roles"] == ["officer"]


def test_only_the_digest_of_a_token_is_stored(officer):
    token, key = ApiToken.issue(officer)
    assert key not in token.key_hash and len(token.key_hash) == 64


def test_api_without_token_is_refused_clearly(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_expired_token_is_refused_with_its_reason(client, officer):
    token, key = ApiToken.issue(officer)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = client.get("/api/v1/me", **bearer(key))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_revoked_token_and_inactive_user_are_refused(client, officer):
    token, key = ApiToken.issue(officer)
    assert client.get("/api/v1/me", **bearer(key)).status_code == 200
    token.revoked = True
    token.save()
    assert client.get("/api/v1/me", **bearer(key)).status_code == 401
    _token, other = ApiToken.issue(officer)
    officer.is_active = False
    officer.save()
    assert client.get("/api/v1/me", **bearer(other)).status_code == 401


def test_openapi_schema_is_served(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/me" in response.json()["paths"]


def test_account_page_creates_a_token_shown_once(officer_client):
    response = officer_client.post("/accounts/account/", {"name": "scripts"})
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    again = officer_client.get("/accounts/account/")
    assert key not in again.content.decode()
