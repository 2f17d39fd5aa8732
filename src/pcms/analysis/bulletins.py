"""Bulletins: what they count, what they show, and the PDF they become.

A bulletin counts the reports its owner platform may read, up to the bulletin's classification,
and of those owned by other platforms only the ones whose owner disseminated them at least as
widely as the bulletin goes: a bulletin for all member states counts other platforms' reports
only when they were released to all member states; a bulletin for the regional platform also
counts those released to it. That is the "total the owner allows": nobody learns through a
bulletin of records that were not meant for them. A bulletin kept within its own platform counts
everything the platform may read.

Figures are computed when the bulletin is shown or printed, so a draft follows the records;
once published, the PDF is what leaves the platform.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from pcms.analysis import maps, svg
from pcms.analysis.choices import BulletinKind, BulletinStatus, Section
from pcms.analysis.models import Bulletin
from pcms.analysis.stats import Figures, Filters, Table, bucket_digits, figures
from pcms.core.choices import Classification
from pcms.core.pdf import render_pdf
from pcms.records.choices import Dissemination
from pcms.records.models import Report
from pcms.records.visibility import audience, may_use_records

AUTHOR_ROLES = ("analyst", "supervisor")
KIND_DEFAULTS = {
    BulletinKind.WEEKLY: (7, [Section.CHART_OVER_TIME, Section.MAP, Section.TABLE_BY_CATEGORY,
                              Section.TABLE_BY_COUNTRY]),
    BulletinKind.MONTHLY: (30, [Section.CHART_OVER_TIME, Section.CHART_BY_CATEGORY, Section.MAP,
                                Section.TABLE_BY_COUNTRY, Section.TABLE_BY_REGION]),
    BulletinKind.SPECIAL: (7, [Section.MAP, Section.TABLE_BY_REGION]),
}


def initial(kind: str, today: date | None = None) -> dict:
    """What a new bulletin of `kind` starts with: its title, its period and its sections."""
    kind = kind if kind in BulletinKind.values else BulletinKind.WEEKLY
    days, sections = KIND_DEFAULTS[BulletinKind(kind)]
    end = (today or timezone.localdate()) - timedelta(days=1)
    start = end - timedelta(days=days - 1)
    return {"kind": kind, "title": str(BulletinKind(kind).label), "period_start": start,
            "period_end": end, "sections": [str(s) for s in sections],
            "body": _("Summary of the period.\n\nAssessment and outlook.")}


def readable_bulletins(user) -> QuerySet:
    """Bulletins of the user's platform, within the user's clearance."""
    if not may_use_records(user):
        return Bulletin.objects.none()
    return Bulletin.objects.filter(owner_id=user.platform_id, classification__lte=user.clearance)


def may_write(user) -> bool:
    return may_use_records(user) and user.has_role(*AUTHOR_ROLES)


def can_edit(user, bulletin: Bulletin) -> bool:
    return (may_write(user) and bulletin.owner_id == user.platform_id
            and bulletin.status == BulletinStatus.DRAFT and bulletin.classification <= user.clearance)


def source_reports(bulletin: Bulletin) -> QuerySet:
    """The reports a bulletin may count (see the module's docstring)."""
    allowed = audience(Report, bulletin.owner)
    if bulletin.dissemination != Dissemination.OWN:
        released = [Dissemination.ALL]
        if bulletin.dissemination == Dissemination.REGIONAL:
            released.append(Dissemination.REGIONAL)
        allowed &= Q(owner_id=bulletin.owner_id) | Q(dissemination__in=released)
    return Report.objects.filter(allowed, classification__lte=bulletin.classification)


def bulletin_filters(bulletin: Bulletin) -> Filters:
    return Filters(start=bulletin.period_start, end=bulletin.period_end,
                   category=bulletin.category, country=bulletin.country_id or "")


@dataclass
class Content:
    """Everything a bulletin shows beside its text, ready for a page or a PDF."""

    figures: Figures
    charts: list[tuple[str, str]]   # (title, SVG)
    map_svg: str
    tables: list[Table]


def content(bulletin: Bulletin, *, rtl: bool = False) -> Content:
    filters = bulletin_filters(bulletin)
    reports = filters.apply(source_reports(bulletin))
    result = figures(reports, filters)
    specs = result.charts()
    specs["over_time"]["labels"] = [bucket_digits(bucket) for bucket in result.buckets()]
    chosen = set(bulletin.sections or [])
    charts = []
    if Section.CHART_OVER_TIME in chosen:
        title = _("Reports over time by threat category")
        charts.append((title, svg.stacked_columns(specs["over_time"], rtl=rtl, label=title)))
    if Section.CHART_BY_CATEGORY in chosen:
        title = _("Reports by threat category")
        charts.append((title, svg.horizontal_bars(specs["by_category"], label=title)))
    if Section.CHART_BY_COUNTRY in chosen:
        title = _("Reports by country")
        charts.append((title, svg.horizontal_bars(specs["by_country"], label=title)))
    map_svg = ""
    if Section.MAP in chosen:
        map_svg = svg.region_map(dict(result.region_counts()), maps.place_counts(reports),
                                 label=_("Map of reports by region"), legend_label=_("Reports"))
    tables = {Section.TABLE_BY_CATEGORY: result.by_category, Section.TABLE_BY_COUNTRY: result.by_country,
              Section.TABLE_BY_REGION: result.by_region}
    return Content(result, charts, map_svg,
                   [make() for key, make in tables.items() if key in chosen])


def marking(bulletin: Bulletin) -> str:
    """The line printed at the top and bottom of every page: classification and handling code."""
    return f"{Classification(bulletin.classification).label.upper()} · {bulletin.handling_code}"


def css_string(text: str) -> str:
    """`text` as the inside of a double-quoted CSS string (for @page margin boxes)."""
    return "".join(f"\\{ord(c):x} " if c in '"\\<>\n' else c for c in text)


def bulletin_pdf(bulletin: Bulletin, language: str) -> bytes:
    """The bulletin as a PDF in `language`, its marking on every page."""
    with override(language):
        from django.utils.translation import get_language_bidi

        body = content(bulletin, rtl=get_language_bidi())
        context = {"bulletin": bulletin, "content": body, "marking_css": css_string(marking(bulletin)),
                   "paragraphs": [p.strip() for p in bulletin.body.split("\n\n") if p.strip()]}
    return render_pdf("analysis/bulletin_pdf.html", context, language)
