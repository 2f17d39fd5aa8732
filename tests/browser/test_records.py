"""An officer enters a report, a supervisor validates it, and only addressed platforms find it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_out

pytestmark = pytest.mark.browser
SCREENSHOTS = Path("test-results")


def add_person(page, name: str, role: str, **fields: str) -> None:
    page.click("#add-entity")
    page.fill("#id_p_name", name)
    for field, value in fields.items():
        page.fill(f"#id_p_{field}", value)
    page.select_option("#id_role", role)
    page.click("#save-entity")
    expect(page.locator(".alert-success")).to_be_visible()


def test_entry_validation_and_need_to_know(make_user, sign_in_page, page, live_server, context):
    officer = make_user("aminata", "officer")
    chief = make_user("ibrahim", "supervisor")
    ml_officer = make_user("oumar", "officer", platform="ML")
    bf_officer = make_user("salif", "officer", platform="BF")

    sign_in_page(officer)
    page.click("text=Rapports")
    page.click("#new-report")
    page.fill("#id_title", "Passage d'un convoi armé près d'Ayorou")
    page.select_option("#id_category", "terrorism")
    page.select_option("#id_purpose", label="Enquête antiterroriste")
    page.fill("#id_facts_date", "2026-11-02")
    page.fill("#id_place", "Ayorou")
    page.select_option("#id_country", "NE")
    page.select_option("#id_region", "NE-6")
    page.select_option("#id_source_reliability", "B")
    page.select_option("#id_credibility", "2")
    page.select_option("#id_dissemination", "named")
    page.locator("#id_recipients label", has_text="ML").click()
    page.click("#save-report")
    expect(page.locator("h1")).to_have_text("Passage d'un convoi armé près d'Ayorou")

    add_person(page, "Moussa Ag Intalla", "suspect", birthDate="12/04/1988")
    add_person(page, "Aïchatou Soumana", "witness")
    add_person(page, "محمد ولد عبد الله", "suspect", birthDate="1985")
    page.click("#add-entity")
    page.select_option("#id_schema", "Vehicle")
    page.wait_for_selector("#id_p_registrationNumber")
    page.fill("#id_p_registrationNumber", "4521 NG A")
    page.select_option("#id_role", "vehicle_used")
    page.click("#save-entity")
    expect(page.locator("[data-entity]")).to_have_count(4)
    expect(page.locator("[data-entity]", has_text="محمد ولد عبد الله")).to_be_visible()
    page.click("#submit-report")
    expect(page.locator("[data-status=submitted]").first).to_be_visible()
    expect(page.locator("#validate-report")).to_have_count(0)
    report_url = page.url
    sign_out(page)

    sign_in_page(chief)
    page.goto(report_url)
    page.fill("#id_comment", "Conforme, à diffuser au Mali")
    page.click("#validate-report")
    expect(page.locator("[data-status=validated]").first).to_be_visible()
    expect(page.locator("#workflow li")).to_have_count(3)
    sign_out(page)

    sign_in_page(ml_officer)
    page.goto(f"{live_server.url}/records/search/?q=Mohamed")
    expect(page.locator("#entity-results")).to_contain_text("محمد ولد عبد الله")
    page.click("text=محمد ولد عبد الله")
    expect(page.locator("#mentions")).to_contain_text("Passage d'un convoi armé")
    page.click("#nav-language")
    page.click("button[data-language=ar]")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "entity-ar.png", full_page=True)
    sign_out(page)

    sign_in_page(bf_officer)
    page.goto(f"{live_server.url}/records/search/?q=Mohamed")
    expect(page.locator("#entity-results")).not_to_contain_text("محمد")
    response = page.goto(report_url)
    assert response.status == 404
