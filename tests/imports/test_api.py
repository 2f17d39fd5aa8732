import json

from pcms.accounts.models import ApiToken
from pcms.records.models import Entity
from tests.imports.test_ftm import FAMILY, lines


def bearer(user) -> dict:
    _token, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_import_through_the_api(client, officer, draft, django_capture_on_commit_callbacks):
    auth = bearer(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/imports?filename=family.json&report={draft.pk}",
                               data=lines(FAMILY), content_type="application/octet-stream", **auth)
    assert response.status_code == 201, response.content
    job = client.get(f"/api/v1/imports/{response.json()['id']}", **auth).json()
    assert job["status"] == "ready" and job["valid_rows"] == 4
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/imports/{job['id']}/apply", **auth)
    assert response.status_code == 200
    assert client.get(f"/api/v1/imports/{job['id']}", **auth).json()["status"] == "done"
    assert Entity.objects.filter(origin=draft).count() == 4


def test_api_import_over_the_limit_is_refused(client, officer, draft, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = client.post(f"/api/v1/imports?filename=big.json&report={draft.pk}",
                           data=b"x" * 5000, content_type="application/octet-stream", **bearer(officer))
    assert response.status_code == 413


def test_api_reports_failing_rows(client, officer, draft, django_capture_on_commit_callbacks):
    bad = [{"schema": "Person", "properties": {"name": ["A"], "birthDate": ["31/02/1990"]}}]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/imports?filename=bad.json&report={draft.pk}",
                               data=lines(bad), content_type="application/octet-stream",
                               **bearer(officer))
    job = client.get(f"/api/v1/imports/{response.json()['id']}", **bearer(officer)).json()
    assert job["status"] == "invalid"
    assert job["errors"][0]["line"] == 1 and job["errors"][0]["field"] == "birthDate"


def test_stix_export_through_the_api(client, validated_report, make_user):
    report = validated_report()
    reader = make_user("analyst-rg", "analyst", platform="RG")
    response = client.get(f"/api/v1/exports?format=stix&report={report.pk}", **bearer(reader))
    assert response.status_code == 200
    bundle = json.loads(response.content)
    assert bundle["type"] == "bundle"
    assert any(obj["type"] == "report" for obj in bundle["objects"])


def test_only_importers_list_saved_mappings(client, officer, make_user):
    from pcms.imports.models import ImportMapping

    ImportMapping.objects.create(name="Personnes", schema="Person", columns={"Nom": "name"},
                                 role="suspect", owner=officer.platform, created_by=officer)
    assert len(client.get("/api/v1/imports/mappings", **bearer(officer)).json()) == 1
    analyst = make_user("analyst", "analyst")
    assert client.get("/api/v1/imports/mappings", **bearer(analyst)).status_code == 403
