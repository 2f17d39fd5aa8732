"""Bulletins: composed from a template, counted within their audience, printed with their
marking on every page, published, and sent."""

import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from pcms.analysis import actions, bulletins, exchange
from pcms.analysis.choices import Section
from pcms.analysis.models import Bulletin
from pcms.records import actions as records
from pcms.reference.models import Country
from tests.conftest import page_text, sign_in


@pytest.fixture
def poppler() -> None:
    """The PDF is read back with poppler's tools; without them the test fails, never skips."""
    missing = [tool for tool in ("pdfinfo", "pdftotext", "pdftoppm") if not shutil.which(tool)]
    if missing:
        pytest.fail(f"poppler-utils is required ({', '.join(missing)} not found): "
                    "apt-get install poppler-utils")


def new_bulletin(author, **fields) -> Bulletin:
    today = timezone.localdate()
    data = {"kind": "monthly", "title": "Bulletin régional de la menace",
            "period_start": today - timedelta(days=365), "period_end": today,
            "body": "Synthèse fictive.\n\nÉvaluation fictive.", "sections": list(Section.values),
            "classification": 1, "dissemination": "all"} | fields
    return actions.create_bulletin(author, data)


def test_a_bulletin_counts_only_what_its_audience_may_learn(sahel, regional_analyst):
    author, chief = sahel.users["ML"]
    report = records.create_report(author, {
        "title": "Rapport fictif pour la seule plateforme régionale", "category": "terrorism",
        "facts_date": timezone.localdate() - timedelta(days=3), "place": "Gao",
        "country": Country.objects.get(code="ML"), "source_reliability": "B", "credibility": "2",
        "dissemination": "regional", "classification": 1})
    records.submit(author, report)
    records.validate(chief, report)

    for_all = new_bulletin(regional_analyst, dissemination="all")
    for_region = new_bulletin(regional_analyst, dissemination="regional")
    assert bulletins.content(for_all).figures.total == 24
    assert bulletins.content(for_region).figures.total == 25
    confidential = new_bulletin(regional_analyst, classification=0)
    assert bulletins.content(confidential).figures.total == 0

    ne_bulletin = new_bulletin(sahel.users["NE"][1], dissemination="all")
    assert bulletins.content(ne_bulletin).figures.total == 25  # its own report kept at home counts


def test_pdf_carries_marking_on_every_page_with_charts_and_map(sahel, regional_analyst, tmp_path,
                                                                poppler):
    bulletin = new_bulletin(regional_analyst)
    for language, marking in (("fr", "DIFFUSION RESTREINTE"), ("ar", "محدود التداول")):
        pdf = tmp_path / f"bulletin-{language}.pdf"
        pdf.write_bytes(bulletins.bulletin_pdf(bulletin, language))
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        assert pages >= 2
        for page in range(1, pages + 1):
            text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
                                  capture_output=True, text=True, check=True).stdout
            assert text.count(marking) == 2, (language, page)  # top and bottom of the page
            assert text.count("ALL / NO-ONWARD / NO-JUDICIAL") == 2
        subprocess.run(["pdftoppm", "-png", "-r", "60", pdf, tmp_path / language], check=True)
        images = [Image.open(path).convert("RGB") for path in sorted(tmp_path.glob(f"{language}-*.png"))]
        colours = {colour for image in images for _count, colour in image.getcolors(1 << 16) or []}
        assert any(abs(r - 0x0D) < 12 and abs(g - 0x6E) < 12 and abs(b - 0xFD) < 12
                   for r, g, b in colours), "no chart bar drawn"
        assert any(r > 170 and g < 110 and b < 120 for r, g, b in colours), "no place on the map"
        assert any(abs(r - 0x9E) < 12 and abs(g - 0xCA) < 12 and abs(b - 0xE1) < 12
                   for r, g, b in colours), "no region coloured on the map"
    french = subprocess.run(["pdftotext", tmp_path / "bulletin-fr.pdf", "-"], capture_output=True,
                            text=True, check=True).stdout
    if os.environ.get("PCMS_SCREENSHOTS"):  # the README's picture of a bulletin
        for language in ("fr", "ar"):
            first = next(iter(sorted(tmp_path.glob(f"{language}-*.png"))))
            Image.open(first).convert("RGB").quantize(64).save(
                Path(os.environ["PCMS_SCREENSHOTS"]) / f"analysis-bulletin-{language}.png", optimize=True)
    assert "Carte des rapports par région" in french and "Rapports par catégorie de menace" in french


def test_compose_publish_and_read_through_the_pages(client, sahel, regional_analyst, make_user):
    sign_in(client, regional_analyst)
    form = client.get("/analysis/bulletins/new/?kind=weekly")
    assert "Bulletin hebdomadaire régional de la menace" in page_text(form)
    today = timezone.localdate()
    response = client.post("/analysis/bulletins/new/", {
        "kind": "weekly", "title": "Bulletin hebdomadaire fictif", "body": "Texte.",
        "period_start": (today - timedelta(days=60)).isoformat(), "period_end": today.isoformat(),
        "sections": ["chart_by_country", "map", "table_by_region"], "classification": "1",
        "dissemination": "all"})
    bulletin = Bulletin.objects.get(title="Bulletin hebdomadaire fictif")
    assert response.status_code == 302 and bulletin.created_by == regional_analyst
    detail = page_text(client.get(bulletin.get_absolute_url()))
    assert "DIFFUSION RESTREINTE · ALL / NO-ONWARD / NO-JUDICIAL" in detail
    assert "data-bulletin-map" in detail and 'data-table="by_region"' in detail
    pdf = client.get(f"/analysis/bulletins/{bulletin.pk}/pdf/?language=ar")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    bad = client.post(f"/analysis/bulletins/{bulletin.pk}/edit/", {
        "kind": "weekly", "title": "x", "period_start": today.isoformat(),
        "period_end": (today - timedelta(days=2)).isoformat(), "classification": "1",
        "dissemination": "named"})
    assert "La fin de la période précède son début." in page_text(bad)
    assert "Désignez au moins une plateforme." in page_text(bad)

    client.post(f"/analysis/bulletins/{bulletin.pk}/publish/")
    bulletin.refresh_from_db()
    assert bulletin.status == "published"
    assert client.get(f"/analysis/bulletins/{bulletin.pk}/edit/").status_code == 403

    officer = make_user("agent-rg", "officer", platform="RG")
    client.logout()
    sign_in(client, officer)
    assert client.get(bulletin.get_absolute_url()).status_code == 200
    assert client.get("/analysis/bulletins/new/").status_code == 403
    client.logout()
    sign_in(client, sahel.users["ML"][0])
    assert client.get(bulletin.get_absolute_url()).status_code == 404


def test_sending_a_published_bulletin(sahel, regional_analyst):
    bulletin = new_bulletin(regional_analyst, sections=["table_by_country"])
    with pytest.raises(actions.BulletinError):
        actions.send(regional_analyst, bulletin, "fr")
    bulletin = actions.publish(regional_analyst, bulletin)
    if not exchange.available():
        with pytest.raises(actions.BulletinError):
            actions.send(regional_analyst, bulletin, "fr")
        return
    message = actions.send(regional_analyst, bulletin, "fr")
    attached = message.files.get()
    assert attached.content_type == "application/pdf"
    assert Path(attached.file.path).read_bytes().startswith(b"%PDF")
    assert sorted(d.platform.code for d in message.deliveries.all()) == ["BF", "ML", "MR", "NE", "TD"]
