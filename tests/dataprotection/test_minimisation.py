from pcms.accounts.models import ApiToken
from pcms.audit.models import AuditEntry
from pcms.records.models import Report
from pcms.reference.models import Purpose
from tests.conftest import sign_in

from .conftest import validated


def test_list_pages_and_api_listings_stop_beyond_the_hourly_allowance(client, niger, settings):
    officer, chief, _dpo = niger
    for _ in range(3):
        validated(officer, chief, [])
    settings.BULK_READS_PER_HOUR = 5
    sign_in(client, officer)
    assert client.get("/records/reports/").status_code == 200
    refused = client.get("/records/reports/")
    assert refused.status_code == 429 and "Retry-After" in refused
    _token, key = ApiToken.issue(officer)
    api = client.get("/api/v1/records/reports", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 429
    assert AuditEntry.objects.filter(actor=officer, detail__refused="bulk read limit").count() == 2


def test_every_list_page_is_audited_even_without_filters(client, officer):
    sign_in(client, officer)
    client.get("/records/reports/")
    assert AuditEntry.objects.filter(actor=officer, action="search",
                                     object_type="records.report").exists()


def test_a_report_states_its_purpose_in_the_form_and_the_api(client, officer):
    sign_in(client, officer)
    form = {"title": "Saisie", "category": "drug_trafficking", "source_reliability": "B",
            "credibility": "2", "dissemination": "own", "classification": "1"}
    page = client.post("/records/reports/new/", form)
    assert page.status_code == 200 and not Report.objects.exists()
    _token, key = ApiToken.issue(officer)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}
    missing = client.post("/api/v1/records/reports", {**form, "classification": 1}, **headers)
    assert missing.status_code == 422 and "purpose" in missing.content.decode()
    made = client.post("/api/v1/records/reports", {**form, "classification": 1,
                                                   "purpose": "organised-crime-investigation"},
                       **headers)
    assert made.status_code == 201 and made.json()["purpose"] == "organised-crime-investigation"
    assert Report.objects.get().purpose == Purpose.objects.get(code="organised-crime-investigation")
