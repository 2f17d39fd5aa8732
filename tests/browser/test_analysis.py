"""The dashboard, the map and the network view, in French and in Arabic, with real content.

Screenshots go to test-results/ (PCMS_SCREENSHOTS=docs/screenshots refreshes the README's)."""

import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.analysis.conftest import regional_analyst, sahel  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(os.environ.get("PCMS_SCREENSHOTS", "test-results"))

CHART_TOTAL = """id => {
  const chart = Chart.getChart(document.querySelector(`canvas[data-chart="${id}"]`));
  return chart ? chart.data.datasets.flatMap(d => d.data).reduce((a, b) => a + b, 0) : -1;
}"""
OPEN_FIRST_MARKER = """() => new Promise(done => {
  const {clusters} = window.pcmsReportMap;
  const marker = clusters.getLayers()[0];
  clusters.zoomToShowLayer(marker, () => { marker.openPopup(); done(); });
})"""


def shoot(page, name: str) -> None:
    """A screenshot in 256 colours, small enough to keep in the repository."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)


def switch_language(page, language: str) -> None:
    page.click("#nav-language")
    page.click(f"button[data-language={language}]")
    expect(page.locator("html")).to_have_attribute("lang", language)


def check_dashboard(page, url: str, language: str) -> None:
    page.goto(f"{url}/analysis/")
    expect(page.locator("[data-kpi=reports]")).to_have_text("24")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector("
                           "'canvas[data-chart=chart-over-time]'))")
    assert page.evaluate(CHART_TOTAL, "chart-over-time") == 24
    assert page.evaluate(CHART_TOTAL, "chart-by-country") == 24
    expect(page.locator("[data-table=by_region] tbody tr")).to_have_count(9)
    shoot(page, f"analysis-dashboard-{language}")


def check_map(page, url: str, language: str) -> None:
    page.goto(f"{url}/analysis/map/")
    expect(page.locator("[data-report-map]")).to_have_attribute("data-map-ready", "true")
    expect(page.locator("[data-report-map]")).to_have_attribute("data-markers", "24")
    assert page.locator(".marker-cluster, path.leaflet-interactive").count() > 20  # regions, clusters
    page.wait_for_timeout(300)
    shoot(page, f"analysis-map-{language}")


def check_network(page, url: str, hub, language: str) -> None:
    page.goto(f"{url}/analysis/network/{hub.pk}/")
    view = page.locator("[data-network]")
    expect(view).to_have_attribute("data-network-ready", "true")
    expect(view).to_have_attribute("data-nodes", "17")
    associate = page.evaluate("() => window.pcmsNetwork.cy.nodes('[schema = \"Person\"]')"
                              ".filter(n => !n.hasClass('root'))[0].id()")
    page.evaluate("id => window.pcmsNetwork.expand(id)", associate)
    expect(view).to_have_attribute("data-nodes", "18")
    page.wait_for_timeout(600)
    shoot(page, f"analysis-network-{language}")


def test_dashboard_map_and_network_in_french_and_arabic(sahel, regional_analyst,  # noqa: F811
                                                       sign_in_page, page, live_server):
    page.set_viewport_size({"width": 1366, "height": 900})
    errors = []
    page.on("console", lambda message: message.type == "error"
            and errors.append(f"{page.url}: {message.text} {message.location}"))
    sign_in_page(regional_analyst)
    url = live_server.url

    check_dashboard(page, url, "fr")
    page.click("#apply-filters")
    check_map(page, url, "fr")
    page.evaluate(OPEN_FIRST_MARKER)
    page.click("[data-report-link]")
    expect(page).to_have_url(re.compile(r".*/records/reports/[0-9a-f-]+/$"))
    check_network(page, url, sahel.hub, "fr")
    with page.expect_download() as download:
        page.click("#export-png")
    assert download.value.suggested_filename.endswith(".png")

    switch_language(page, "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    check_dashboard(page, url, "ar")
    expect(page.locator("h1")).to_have_text("لوحة التحليل")
    check_map(page, url, "ar")
    check_network(page, url, sahel.hub, "ar")
    assert not errors, errors
