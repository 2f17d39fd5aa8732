"""A coordinator plans a session, registers participants and prints a certificate; the indicators
page draws its map and charts, right to left in Arabic."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pcms.reference.models import Country
from pcms.training.models import Certificate, Course, Official, Registration, Session

pytestmark = pytest.mark.browser
SCREENSHOTS = Path("test-results")

PARTICIPANTS = (
    "nom;prénom;sexe;pays;service;fonction;courriel\n"
    "Maïga;Aïssata;F;Niger;Police nationale;Commissaire;a.maiga@example.org\n"
    "Abakar;Mahamat;M;Tchad;Gendarmerie nationale;Capitaine;\n"
    "Jallo;Amadu;M;Mali;Douanes;Inspecteur;\n"
)


@pytest.fixture
def catalogue(db):
    course = Course.objects.create(code="platform-tutoring", title_fr="Tutorat de la plateforme nationale",
                                   title_en="Platform tutoring", title_ar="تأطير فرق المنصة الوطنية",
                                   topic="platform", format="tutoring", duration_days=3)
    Official.objects.create(first_name="Amadou", last_name="Diallo", country_id="ML", gender="male",
                            agency="Douanes", agency_kind="customs")
    return course


def test_coordinator_plans_a_session_registers_participants_and_prints_a_certificate(
        make_user, sign_in_page, page, live_server, catalogue, browser):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in_page(make_user("coordinator", "coordinator"))

    # Plan the session.
    page.click("nav >> text=Formation")
    page.click("#nav-sessions")
    page.click("#plan-session")
    page.select_option("#id_course", str(catalogue.pk))
    page.fill("#id_starts_on", "2025-03-10")
    page.fill("#id_ends_on", "2025-03-08")
    page.fill("#id_place", "Niamey")
    page.select_option("#id_country", "NE")
    page.fill("#id_organiser", "Plateforme régionale")
    page.fill("#id_capacity", "20")
    page.click("#save")
    expect(page.locator(".invalid-feedback")).to_contain_text("2025-03-08")  # ends before it starts
    page.fill("#id_ends_on", "2025-03-12")
    page.click("#save")
    expect(page.locator("#session-title")).to_have_text("Tutorat de la plateforme nationale")
    session = Session.objects.get()

    # Import a list: one line is a known official spelled another way.
    page.click("#import-participants")
    page.set_input_files("#id_file", files=[{"name": "liste.csv", "mimeType": "text/csv",
                                              "buffer": PARTICIPANTS.encode()}])
    page.click("#check-list")
    row = page.locator("#preview tr[data-line='4']")
    expect(row).to_contain_text("Déjà connu : Amadou Diallo")
    expect(row.locator("input[value^='official:']")).to_be_checked()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "training-import-preview.png", full_page=True)
    page.click("#confirm-import")
    expect(page.locator("#participant-count")).to_have_text("3")

    # Register one more by hand.
    page.click("#add-participant")
    page.fill("#id_last_name", "Sow")
    page.fill("#id_first_name", "Fatimata")
    page.select_option("#id_gender", "female")
    page.select_option("#id_country", "SN")
    page.fill("#id_agency", "Police nationale")
    page.select_option("#id_agency_kind", "police")
    page.click("#register")
    expect(page.locator("#participant-count")).to_have_text("4")
    assert Official.objects.count() == 4  # Diallo kept one history

    # Everyone present on the three days.
    page.click("#record-attendance")
    for _day in session.days:
        page.click("#save-attendance")
    expect(page.locator("#session-status")).to_have_text("Tenue")
    page.screenshot(path=SCREENSHOTS / "training-session.png", full_page=True)

    assert not errors, errors  # no CSP violation, no script error (the PDF viewer asks for a favicon)

    # Print Aïssata Maïga's certificate in Arabic.
    maiga = Registration.objects.get(official__last_name="Maïga")
    line = page.locator(f"#participants tr[data-official='{maiga.official_id}']")
    line.locator("select[name=language]").select_option("ar")
    with page.expect_response(lambda r: "/certificate/" in r.url and r.request.method == "POST") as info:
        line.locator("[data-issue-certificate]").click()
    assert info.value.headers["content-type"] == "application/pdf"
    certificate = Certificate.objects.get()
    assert certificate.language == "ar" and certificate.holder_name == "Aïssata Maïga"
    pdf = page.request.get(f"{live_server.url}/training/certificates/{certificate.pk}/pdf/")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    (SCREENSHOTS / "certificate-ar.pdf").write_bytes(pdf.body())

    # Anyone can check it, without signing in.
    visitor = browser.new_page(locale="fr-FR")
    visitor.goto(f"{live_server.url}/verify/{certificate.code}/")
    expect(visitor.locator("#verdict")).to_contain_text("authentique")
    expect(visitor.locator("#certificate-details")).to_contain_text("Aïssata Maïga")
    expect(visitor.locator("#certificate-details")).not_to_contain_text("a.maiga@example.org")
    visitor.close()


def test_indicators_page_draws_the_map_and_charts_right_to_left(make_user, sign_in_page, page, catalogue):
    for code, country in (("NE", "NE"), ("TD", "TD"), ("SN", "SN")):
        session = Session.objects.create(course=catalogue, starts_on=date(2025, 2, 3),
                                         ends_on=date(2025, 2, 5), place=code, country_id=country,
                                         organiser="Plateforme", status="held")
        for n in range(3):
            official = Official.objects.create(first_name=f"P{n}", last_name=code, country_id=country,
                                               gender="female" if n else "male", agency="Police",
                                               agency_kind="police")
            Registration.objects.create(session=session, official=official, agency="Police",
                                        agency_kind="police", days_present=3, completed=True,
                                        pre_score=40, post_score=70)
    user = make_user("coordinator", "coordinator")
    user.language = "ar"
    user.save()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in_page(user)
    page.goto(page.url + "training/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("[data-kpi=officials]")).to_have_text("9")
    expect(page.locator("[data-country-map]")).to_have_attribute("data-map-ready", "true")
    assert page.locator("[data-country-map] path[data-value]").count() == 3
    niger = Country.objects.get(code="NE").name_ar
    expect(page.locator("[data-country-map] path[data-country='562'] title")).to_have_text(f"{niger}: 3")
    expect(page.locator("canvas[data-chart-ready]")).to_have_count(4)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "training-dashboard-ar.png", full_page=True)
    assert not errors, errors
