"""The API offers the exchange's operations under the same rules."""

from datetime import timedelta

from django.utils import timezone

from pcms.accounts.models import ApiToken


def api(user):
    _token, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}


def test_request_answered_with_a_record_through_the_api(client, people, person_record):
    _report, suspect = person_record(people.ne, people.ne_chief)
    ml_report, ml_person = person_record(people.ml, people.ml_chief)
    ne, ml = api(people.ne), api(people.ml)
    case = client.post("/api/v1/exchange/cases", {"title": "Dossier", "participants": ["ML"]},
                       **ne).json()
    created = client.post("/api/v1/exchange/requests", {
        "recipient": "ML", "subject": "Antécédents", "body": "Connu ?",
        "purpose": "terrorism-investigation", "priority": "urgent", "case": case["id"],
        "due_date": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "records": [str(suspect.pk)]}, **ne)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.get("/api/v1/exchange/inbox", **ml).json()["incoming_requests"] == 1
    assert client.post(f"/api/v1/exchange/requests/{pk}/accept", {}, **ml).status_code == 200
    answered = client.post(f"/api/v1/exchange/requests/{pk}/answer", {
        "answer": "Connu.", "records": [ml_report.reference]}, **ml)
    assert answered.json()["status"] == "answered"
    seen = client.get(f"/api/v1/exchange/requests/{pk}", **ne).json()
    assert seen["answer_records"][0]["id"] == str(ml_report.pk)
    timeline = client.get(f"/api/v1/exchange/cases/{case['id']}", **ne).json()["timeline"]
    assert "request_answered" in [event["code"] for event in timeline]
    closed = client.post(f"/api/v1/exchange/requests/{pk}/close", {}, **ne)
    assert closed.json()["status"] == "closed"
    late = client.post(f"/api/v1/exchange/requests/{pk}/answer", {"answer": "Encore."}, **ml)
    assert late.status_code == 422


def test_message_api_refuses_unknown_platforms_and_hides_others_messages(client, people):
    ne = api(people.ne)
    refused = client.post("/api/v1/exchange/messages", {
        "subject": "S", "body": "B", "recipients": ["ML", "XX"]}, **ne)
    assert refused.status_code == 422 and "XX" in refused.json()["detail"]
    sent = client.post("/api/v1/exchange/messages", {
        "subject": "Opération Harmattan", "body": "B", "recipients": ["ML"]}, **ne)
    assert sent.status_code == 201
    pk = sent.json()["id"]
    bf = api(people.bf)
    assert client.get(f"/api/v1/exchange/messages/{pk}", **bf).status_code == 404
    assert client.get("/api/v1/exchange/messages?q=Harmattan", **bf).json()["count"] == 0
    assert client.get("/api/v1/exchange/inbox", **bf).json()["total"] == 0
    ml = api(people.ml)
    read = client.get(f"/api/v1/exchange/messages/{pk}", **ml).json()
    assert read["deliveries"] == [] and read["my_delivery"]["read_by"] == "officer-ml"
    ack = client.post(f"/api/v1/exchange/messages/{pk}/acknowledge", **ml)
    assert ack.json()["acknowledged_by"] == "officer-ml"
    status = client.get(f"/api/v1/exchange/messages/{pk}", **ne).json()["deliveries"]
    assert status[0]["acknowledged_by"] == "officer-ml"


def test_refused_record_offers_consent_through_the_api(client, people, person_record):
    _report, person = person_record(people.ml, people.ml_chief, dissemination="named",
                                    recipients=["NE"])
    ne = api(people.ne)
    refused = client.post("/api/v1/exchange/messages", {
        "subject": "S", "body": "B", "recipients": ["BF"], "records": [str(person.pk)]}, **ne)
    assert refused.status_code == 422
    consent = client.post("/api/v1/exchange/consents", {
        "record": str(person.pk), "recipients": ["BF"], "reason": "Suspect en transit."}, **ne)
    assert consent.status_code == 201
    decided = client.post(f"/api/v1/exchange/consents/{consent.json()['id']}/decide",
                          {"grant": True}, **api(people.ml_chief))
    assert decided.json()["status"] == "granted"
    sent = client.post("/api/v1/exchange/messages", {
        "subject": "S", "body": "B", "recipients": ["BF"], "records": [str(person.pk)]}, **ne)
    assert sent.status_code == 201


def test_alert_issued_validated_and_checked_through_the_api(client, people):
    rg = api(people.rg)
    now = timezone.now()
    alert = client.post("/api/v1/exchange/alerts", {
        "kind": "vehicle", "title": "Pick-up volé", "instructions": "Saisir.",
        "valid_from": now.isoformat(), "valid_until": (now + timedelta(days=5)).isoformat(),
        "subject": {"schema": "Vehicle", "properties": {"registrationNumber": ["4521 NG A"]}}},
        **rg)
    assert alert.status_code == 201, alert.content
    pk = alert.json()["id"]
    client.post(f"/api/v1/exchange/alerts/{pk}/submit", **rg)
    assert client.post(f"/api/v1/exchange/alerts/{pk}/validate", **rg).status_code == 403
    done = client.post(f"/api/v1/exchange/alerts/{pk}/validate", **api(people.rg_chief))
    assert done.json()["status"] == "active"
    hits = client.post("/api/v1/exchange/alert-checks", {"subject": {
        "schema": "Vehicle", "properties": {"registrationNumber": ["4521NGA"]}}},
        **api(people.ne)).json()
    assert len(hits) == 1 and hits[0]["alert"] == pk


def test_roles_without_need_to_know_have_no_exchange(client, make_user):
    headers = api(make_user("coord", "coordinator"))
    assert client.get("/api/v1/exchange/inbox", **headers).status_code == 403


def test_consent_without_a_record_is_refused_clearly(client, people):
    response = client.post("/api/v1/exchange/consents", {"record": " ", "recipients": ["BF"],
                                                         "reason": "Partenaire"}, **api(people.ml))
    assert response.status_code == 422
    assert "record" in response.json()["detail"]
