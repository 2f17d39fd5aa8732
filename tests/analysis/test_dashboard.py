"""The dashboard counts only what the user may read, and its tables export safely."""

import csv
import io

from openpyxl import load_workbook

from pcms.analysis import stats
from pcms.audit.models import AuditEntry
from pcms.reference.models import Region
from tests.conftest import page_text, sign_in


def by_label(table) -> dict:
    return {row[0]: row[1] for row in table.rows}


def test_counts_include_only_readable_reports(sahel, regional_analyst, make_user):
    ne_officer = sahel.users["NE"][0]
    filters = stats.default_filters()

    home = stats.dashboard_figures(ne_officer, filters)
    regional = stats.dashboard_figures(regional_analyst, filters)
    assert home.total == 25  # 24 released to all, and its own report kept at home
    assert regional.total == 24
    assert "Cybercriminalité" not in by_label(regional.by_category())
    assert by_label(home.by_category())["Cybercriminalité"] == 1
    assert by_label(regional.by_country()) == {"Burkina Faso": 8, "Mali": 8, "Niger": 8}

    coordinator = make_user("coordinatrice", "coordinator", platform="RG")
    assert stats.dashboard_figures(coordinator, filters).total == 0


def test_classification_above_clearance_is_not_counted(sahel, regional_analyst):
    regional_analyst.clearance = 0
    regional_analyst.save()
    assert stats.dashboard_figures(regional_analyst, stats.default_filters()).total == 0


def test_filters_by_category_country_and_period(sahel, regional_analyst):
    default = stats.default_filters()
    terrorism = stats.Filters(default.start, default.end, category="terrorism")
    assert stats.dashboard_figures(regional_analyst, terrorism).total == 6
    mali = stats.Filters(default.start, default.end, country="ML")
    assert by_label(stats.dashboard_figures(regional_analyst, mali).by_country()) == {"Mali": 8}
    recent = stats.Filters(default.end.replace(day=1), default.end)
    figures = stats.dashboard_figures(regional_analyst, recent)
    assert figures.filters.daily or len(figures.over_time().rows) == 1


def test_over_time_has_every_month_of_the_period(sahel, regional_analyst):
    figures = stats.dashboard_figures(regional_analyst, stats.default_filters())
    table = figures.over_time()
    assert len(table.rows) == 12
    assert sum(row[-1] for row in table.rows) == 24


def test_dashboard_page_in_french_and_arabic(client, sahel, regional_analyst):
    sign_in(client, regional_analyst)
    text = page_text(client.get("/analysis/"))
    assert "Tableau de bord d'analyse" in text
    assert 'data-kpi="reports">24<' in text
    assert "Trafic d'armes" in text
    regional_analyst.language = "ar"
    regional_analyst.save()
    text = page_text(client.get("/analysis/"))
    assert 'dir="rtl"' in text and "لوحة التحليل" in text
    assert AuditEntry.objects.filter(action="search", object_type="analysis.dashboard").exists()


def test_export_csv_and_xlsx_neutralise_formulas_and_are_audited(client, sahel, regional_analyst):
    Region.objects.filter(code="BF-12").update(name_fr="=HYPERLINK(\"http://x\")")
    sign_in(client, regional_analyst)
    response = client.get("/analysis/export/by_region.csv")
    assert response["Content-Disposition"] == 'attachment; filename="by_region.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Région", "Pays", "Rapports"]
    assert ["'=HYPERLINK(\"http://x\")", "Burkina Faso", "6"] in rows

    response = client.get("/analysis/export/by_category.xlsx?category=terrorism")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[2]] == ["Terrorisme", 6, 100]
    exports = AuditEntry.objects.filter(action="export", object_type="analysis.table")
    assert {entry.object_id for entry in exports} == {"by_region", "by_category"}
    assert client.get("/analysis/export/unknown.csv").status_code == 404
    assert client.get("/analysis/export/by_region.pdf").status_code == 404


def test_people_without_records_role_get_no_dashboard(client, make_user):
    sign_in(client, make_user("coordinator", "coordinator", platform="RG"))
    assert client.get("/analysis/").status_code == 403
    assert client.get("/analysis/map/data/").status_code == 403
