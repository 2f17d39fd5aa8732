"""An officer imports a table of people: maps its columns, sees the wrong rows, fixes the file,
and imports it into a new draft report."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from pcms.records.models import Entity

pytestmark = pytest.mark.browser
SCREENSHOTS = Path("test-results")
HEADER = "Nom;Date de naissance;Nationalité\n"
GOOD = ["Moussa Ag Intalla;12/04/1988;ml", "Aïchatou Soumana;1990-11-23;Niger",
        "محمد ولد عبد الله;1985;mr"]


def test_upload_map_refuse_fix_and_import(make_user, sign_in_page, page, live_server, tmp_path):
    officer = make_user("aminata", "officer")
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    bad = tmp_path / "fiches.csv"
    bad.write_text(HEADER + "\n".join([*GOOD, "Awa Diallo;31/02/1990;ml", "Issa Koné;1980;Wakanda",
                                       "<script>alert(1)</script>;1970;ne"]) + "\n",
                   encoding="utf-8")
    sign_in_page(officer)
    page.click("text=Importer")
    page.click("#new-import")
    page.set_input_files("#id_file", str(bad))
    page.select_option("#id_new-category", "terrorism")
    page.select_option("#id_new-source_reliability", "B")
    page.select_option("#id_new-credibility", "2")
    page.click("#upload")

    expect(page.locator("#mapping-form")).to_be_visible()
    expect(page.locator("#sample")).to_contain_text("Aïchatou Soumana")
    # Columns named like a property in the reader's language are mapped already.
    expect(page.locator("#id_column_0")).to_have_value("name")
    expect(page.locator("#id_column_1")).to_have_value("birthDate")
    page.select_option("#id_column_2", "nationality")
    page.fill("#id_save_as", "Fiches de police")
    page.click("#check-rows")

    expect(page.locator("#refused")).to_be_visible()
    expect(page.locator("#failing-rows")).to_have_text("2")
    expect(page.locator("#errors tbody tr")).to_have_count(2)
    expect(page.locator("#errors tr[data-line='5']")).to_contain_text("Date de naissance")
    expect(page.locator("#errors tr[data-line='6']")).to_contain_text("Wakanda")
    expect(page.locator("#preview")).to_contain_text("<script>alert(1)</script>")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "import-refused.png", full_page=True)
    assert not Entity.objects.exists()

    fixed = tmp_path / "fiches-corrigees.csv"
    fixed.write_text(HEADER + "\n".join([*GOOD, "Awa Diallo;28/02/1990;ml", "Issa Koné;1980;Mali"])
                     + "\n", encoding="utf-8")
    page.click("#upload-again")
    page.set_input_files("#id_file", str(fixed))
    page.select_option("#id_mapping", label="Fiches de police")
    page.select_option("#id_new-category", "terrorism")
    page.select_option("#id_new-source_reliability", "B")
    page.select_option("#id_new-credibility", "2")
    page.click("#upload")

    expect(page.locator("#valid-rows")).to_have_text("5")
    expect(page.locator("#preview")).to_contain_text("1988-04-12")
    page.click("#apply-import")
    expect(page.locator("#import-done")).to_contain_text("5 enregistrements")
    expect(page.locator("#progress-bar")).to_have_attribute("value", "1")
    page.screenshot(path=SCREENSHOTS / "import-done.png", full_page=True)
    page.click("#open-report")
    expect(page.locator("[data-entity]")).to_have_count(5)
    expect(page.locator("h1")).to_have_text("Import fiches-corrigees.csv")
    assert Entity.objects.filter(status="draft").count() == 5
    assert not errors, errors
