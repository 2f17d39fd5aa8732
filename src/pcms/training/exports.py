"""The indicator report as a workbook (XLSX) and as a printable document (PDF)."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import override

from pcms.core.pdf import render_pdf
from pcms.core.tabular import safe_cell
from pcms.training.indicators import DEFINITIONS, Report


def _period_text(report: Report) -> str:
    if not report.start and not report.end:
        return _("Whole programme")
    start = report.start.isoformat() if report.start else "…"
    end = report.end.isoformat() if report.end else "…"
    return f"{start} – {end}"


def summary(report: Report) -> list[tuple[str, object]]:
    return [
        (_("Period"), _period_text(report)),
        (_("Sessions held"), report.sessions_held),
        (_("Officials trained (distinct persons)"), report.officials_trained),
        (_("Participations (registrations with attendance)"), report.participations),
        (_("Officials who completed a session"), report.completed),
        (_("Countries reached"), report.countries_reached),
        (_("Host countries"), report.host_countries),
        (_("Average knowledge gain (points out of 100)"),
         report.knowledge_gain if report.knowledge_gain is not None else "—"),
        (_("Participants who sat both tests"), report.tested),
    ]


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Summary")[:31]
    for label, value in summary(report):
        sheet.append([safe_cell(str(label)), safe_cell(value)])
    sheet.append([])
    for definition in DEFINITIONS:
        sheet.append([safe_cell(str(definition))])
    sheet.column_dimensions["A"].width = 55

    def table(title: str, headers: list[str], rows) -> None:
        page = workbook.create_sheet(title[:31])
        page.append([str(header) for header in headers])
        for cell in page[1]:
            cell.font = Font(bold=True)
        for row in rows:
            page.append([safe_cell(value) for value in row])
        page.column_dimensions["A"].width = 40

    officials = _("Officials trained")
    share = _("Share (%)")
    for title, rows in ((_("By country"), report.by_country), (_("By topic"), report.by_topic),
                        (_("By type of agency"), report.by_agency_kind), (_("By gender"), report.by_gender)):
        table(title, [title, officials, share],
              ([row.label, row.value, report.share(row.value)] for row in rows))
    table(_("By year"), [_("Year"), _("Sessions held"), officials],
          ([row["year"], row["sessions"], row["officials"]] for row in report.by_year))
    table(_("Replication"), [_("Course"), _("Format"), _("Countries"), _("Sessions held"), officials],
          ([item.course.title, item.format_label, item.countries, item.sessions, item.officials]
           for item in report.replication))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_pdf(report: Report, language: str) -> bytes:
    from pcms.core.worldmap import choropleth_svg

    with override(language):
        rows = summary(report)
        map_svg = choropleth_svg(report.map_values, bounds=(-26, -36, 60, 40))
    return render_pdf("training/report_pdf.html", {"report": report, "summary": rows,
                                                   "definitions": DEFINITIONS, "map_svg": map_svg},
                      language)
