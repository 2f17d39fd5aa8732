"""Exchange through the pages: a request answered with a record, an alert hit, and a record that
may not go further asking its owner's consent."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pcms.exchange.models import Alert, AlertHit
from pcms.records import actions as records
from pcms.reference.models import Platform
from tests.browser.conftest import sign_out

pytestmark = pytest.mark.browser

REPORT = {"title": "Passage d'un convoi armé", "category": "terrorism", "source_reliability": "B",
          "credibility": "2", "place": "Ayorou", "facts_date": date(2026, 11, 2)}


def validated_person(author, chief, name, *, dissemination="own", recipients=(), submit_only=False):
    report = records.create_report(author, {**REPORT, "dissemination": dissemination},
                                   recipients=Platform.objects.filter(code__in=recipients))
    person = records.add_entity(author, report, "Person", {
        "name": [name], "birthDate": ["1984-05-02"], "nationality": ["ml"]}, role="suspect")
    records.submit(author, report)
    if not submit_only:
        records.validate(chief, report)
    return report, person


def test_request_to_another_platform_answered_with_a_record(make_user, sign_in_page, page,
                                                            live_server):
    ne, ne_chief = make_user("aminata", "officer"), make_user("ibrahim", "supervisor")
    ml, ml_chief = make_user("oumar", "officer", platform="ML"), make_user(
        "awa", "supervisor", platform="ML")
    _report, suspect = validated_person(ne, ne_chief, "Moussa Ag Intalla")
    ml_report, _known = validated_person(ml, ml_chief, "Moussa Ag Intalla")
    ne_colleague = make_user("hadiza", "analyst")  # the platform sees the answer, not only its author

    sign_in_page(ne)
    page.goto(f"{live_server.url}/exchange/cases/new/")
    page.fill("#id_title", "Convoi armé d'Ayorou")
    page.locator("#id_participants label", has_text="ML").click()
    page.click("#save-case")
    expect(page.locator("h1")).to_have_text("Convoi armé d'Ayorou")
    case_url = page.url
    page.goto(f"{live_server.url}/exchange/requests/new/?record={suspect.pk}")
    page.select_option("#id_recipient", "ML")
    page.fill("#id_subject", "Antécédents de Moussa Ag Intalla")
    page.fill("#id_body", "Cette personne est-elle connue de vos services ?")
    page.select_option("#id_priority", "urgent")
    page.fill("#id_due_date", (timezone.localdate() + timedelta(days=3)).isoformat())
    page.select_option("#id_purpose", "terrorism-investigation")
    page.locator("#id_case").select_option(index=1)
    page.click("#send-request")
    expect(page.locator("[data-status=sent]").first).to_be_visible()
    sign_out(page)

    sign_in_page(ml)
    expect(page.locator("[data-menu-count]")).to_have_text("1")
    page.goto(f"{live_server.url}/exchange/")
    page.locator("#inbox-requests a").first.click()
    expect(page.locator(".shared-records")).to_contain_text("Moussa Ag Intalla")
    page.click("#accept-request")
    page.click("#answer-request")
    page.fill("#id_answer", "Connu de nos services pour des faits similaires.")
    page.fill("#id_records", ml_report.reference)
    page.click("#send-answer")
    expect(page.locator("#answer")).to_contain_text("Connu de nos services")
    sign_out(page)

    sign_in_page(ne_colleague)
    page.goto(f"{live_server.url}/exchange/")
    page.locator("#inbox-requests a", has_text="-RFI-").first.click()
    expect(page.locator("#answer")).to_contain_text("Connu de nos services")
    expect(page.locator("#answer .shared-records")).to_contain_text(ml_report.reference)
    page.goto(case_url)
    expect(page.locator("#timeline")).to_contain_text("Demande répondue")
    expect(page.locator("#timeline")).to_contain_text("Demande envoyée")


def test_regional_alert_hit_by_a_later_validated_report(make_user, sign_in_page, page,
                                                        live_server):
    """The screening page is not part of this capability: a later validated report is checked
    against the alerts in force, as every screening is."""
    analyst = make_user("mariam", "analyst", platform="RG")
    rg_chief = make_user("sidi", "supervisor", platform="RG")
    rg_colleague = make_user("fatimata", "analyst", platform="RG")
    ne, ne_chief = make_user("aminata", "officer"), make_user("ibrahim", "supervisor")

    sign_in_page(analyst)
    page.goto(f"{live_server.url}/exchange/alerts/new/")
    page.select_option("#id_kind", "wanted_person")
    page.fill("#id_title", "Recherché pour l'attaque de Tillabéri")
    page.fill("#id_instructions", "Interpeller et aviser la plateforme régionale.")
    page.select_option("#id_schema", "Person")
    page.fill("#id_p_name", "Hamidou Ag Alhassane")
    page.fill("#id_p_birthDate", "1984-05-02")
    page.fill("#id_valid_until", (timezone.localdate() + timedelta(days=30)).isoformat())
    page.click("#save-alert")
    page.click("#submit-alert")
    expect(page.locator("[data-status=submitted]").first).to_be_visible()
    sign_out(page)

    sign_in_page(rg_chief)
    page.goto(f"{live_server.url}/exchange/")
    page.locator("#inbox-alerts a").first.click()
    page.click("#validate-alert")
    expect(page.locator("[data-status=active]").first).to_be_visible()
    sign_out(page)
    assert Alert.objects.get().deliveries.filter(platform__code="NE").exists()

    report, _person = validated_person(ne, ne_chief, "Hamidou Ag Alhassane", submit_only=True)
    sign_in_page(ne_chief)
    page.goto(f"{live_server.url}/records/reports/{report.pk}/")
    page.click("#validate-report")
    expect(page.locator("[data-status=validated]").first).to_be_visible()
    page.goto(f"{live_server.url}/exchange/hits/")
    expect(page.locator("#hit-table tbody tr")).to_have_count(1)
    sign_out(page)
    assert AlertHit.objects.get().report == report
    assert analyst.notifications.filter(level="alert").exists()

    sign_in_page(rg_colleague)
    page.goto(f"{live_server.url}/exchange/")
    page.locator("#inbox-hits a").first.click()
    expect(page.locator("#hit")).to_contain_text(report.reference)
    # The report stays with Niger: the regional platform learns a hit exists and whom to contact.
    expect(page.locator("#hit")).not_to_contain_text("Hamidou Ag Alhassane")
    expect(page.locator("#hit")).to_contain_text("Contactez le propriétaire")


def test_record_that_may_not_go_further_asks_its_owner(make_user, sign_in_page, page, live_server):
    ne, ne_colleague = make_user("aminata", "officer"), make_user("hadiza", "officer")
    ml, ml_chief = make_user("oumar", "officer", platform="ML"), make_user(
        "awa", "supervisor", platform="ML")
    bf = make_user("salif", "officer", platform="BF")
    _report, person = validated_person(ml, ml_chief, "Aliou Maïga", dissemination="named",
                                       recipients=["NE"])

    sign_in_page(ne)
    page.goto(f"{live_server.url}/exchange/messages/new/?record={person.pk}")
    page.locator("#id_recipients label", has_text="BF").click()
    page.fill("#id_subject", "Suspect en transit vers le Burkina Faso")
    page.fill("#id_body", "Fiche du Mali jointe.")
    page.click("#send-message")
    expect(page.locator("#withheld")).to_be_visible()
    page.locator(".consent-form textarea").fill("Le suspect se dirige vers le Burkina Faso.")
    page.click("#ask-consent")
    expect(page.locator("[data-status=pending]")).to_be_visible()
    consent_url = page.url
    sign_out(page)

    sign_in_page(ml_chief)
    page.goto(f"{live_server.url}/exchange/")
    page.locator("#inbox-hits a").first.click()
    page.click("#grant-consent")
    expect(page.locator("[data-status=granted]")).to_be_visible()
    sign_out(page)

    sign_in_page(ne_colleague)
    page.goto(consent_url)
    page.click("#send-with-consent")
    page.locator("#id_recipients label", has_text="BF").click()
    page.fill("#id_subject", "Suspect en transit vers le Burkina Faso")
    page.fill("#id_body", "Fiche du Mali jointe, avec l'accord du Mali.")
    page.click("#send-message")
    expect(page.locator(".alert-success")).to_be_visible()
    sign_out(page)

    sign_in_page(bf)
    page.goto(f"{live_server.url}/exchange/")
    page.locator("#inbox-messages a").first.click()
    page.locator(".shared-records a", has_text="Aliou Maïga").click()
    expect(page.locator("h1")).to_contain_text("Aliou Maïga")
