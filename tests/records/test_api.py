from pcms.accounts.models import ApiToken
from pcms.records.models import Report


def api(client, user):
    _token, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}


REPORT = {"title": "Saisie d'armes", "category": "arms_trafficking",
          "purpose": "organised-crime-investigation", "source_reliability": "B",
          "credibility": "2", "dissemination": "all", "country": "NE", "region": "NE-1"}


def test_api_offers_the_whole_workflow(client, make_user):
    author, chief = make_user("writer", "officer"), make_user("chief", "supervisor")
    headers = api(client, author)
    response = client.post("/api/v1/records/reports", REPORT, **headers)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    entity = client.post(f"/api/v1/records/reports/{pk}/entities", {
        "schema": "Firearm", "properties": {"serialNumber": ["KL 123"], "make": ["Norinco"]},
        "role": "weapon_used"}, **headers)
    assert entity.status_code == 201 and entity.json()["properties"]["serialNumber"] == ["KL123"]
    assert entity.json()["schema"] == "Firearm"
    assert client.post(f"/api/v1/records/reports/{pk}/submit", **headers).status_code == 200
    refused = client.post(f"/api/v1/records/reports/{pk}/validate", {}, **headers)
    assert refused.status_code == 403
    done = client.post(f"/api/v1/records/reports/{pk}/validate", {"comment": "ok"},
                       **api(client, chief))
    assert done.json()["status"] == "validated"


def test_api_names_the_bad_field(client, officer):
    headers = api(client, officer)
    pk = client.post("/api/v1/records/reports", REPORT, **headers).json()["id"]
    response = client.post(f"/api/v1/records/reports/{pk}/entities", {
        "schema": "Person", "properties": {"name": ["X"], "nationality": ["Atlantis"]}}, **headers)
    assert response.status_code == 422
    assert "nationality" in response.json()["detail"]
    assert client.post(f"/api/v1/records/reports/{pk}/entities", {
        "schema": "Spaceship", "properties": {}}, **headers).status_code == 422


def test_api_applies_need_to_know(client, validated_report, make_user):
    hidden = validated_report(dissemination="own")
    outsider = api(client, make_user("ml", "analyst", platform="ML"))
    assert client.get(f"/api/v1/records/reports/{hidden.pk}", **outsider).status_code == 404
    listing = client.get("/api/v1/records/reports", **outsider).json()
    assert listing["count"] == 0
    entities = client.get("/api/v1/records/entities?q=Traore", **outsider).json()
    assert entities["count"] == 0
    insider = api(client, make_user("ne", "analyst"))
    assert client.get("/api/v1/records/entities?q=Traore", **insider).json()["count"] == 1


def test_api_refuses_roles_without_need_to_know(client, make_user):
    headers = api(client, make_user("coord", "coordinator"))
    assert client.get("/api/v1/records/reports", **headers).status_code == 403
    assert Report.objects.count() == 0
