"""The dashboard's figures: reports counted by period, threat category, country and region.

Need-to-know holds for aggregates as for records: every figure counts only reports the user may
read (`pcms.records.visibility.readable`), so a count never reveals that records exist elsewhere.
Counts of other platforms' records that were not addressed to the user are not shown at all, not
even as totals: a total per country or per category would say where another platform is working.

Whole months come from the counts kept ahead per platform (`pcms.analysis.counts`), limited by the
user's reach; the rest is counted report by report, in grouped queries (period bucket, category,
country, region) over `readable()`, then summed in Python whatever the number of tables. The
period bucket is cut from the ISO date text, so neither SQLite nor PostgreSQL calls a function
per row.
"""

from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from urllib.parse import urlencode

from django.db import connections, transaction
from django.db.models import CharField, Count, Q, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from pcms.analysis import counts
from pcms.analysis.models import ReportCount
from pcms.records.choices import ThreatCategory
from pcms.records.models import Report
from pcms.records.visibility import may_use_records, readable
from pcms.reference.models import Country, Region

DAILY_UP_TO_DAYS = 45
CUBE_INDEX = "analysis_report_cube"
Cell = tuple[str, str, str | None, str | None, int]  # bucket, category, country, region, reports


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows: a period of facts, and optionally one category or one country."""

    start: date | None = None
    end: date | None = None
    category: str = ""
    country: str = ""

    def apply(self, queryset: QuerySet) -> QuerySet:
        if self.start:
            queryset = queryset.filter(facts_date__gte=self.start)
        if self.end:
            queryset = queryset.filter(facts_date__lte=self.end)
        if self.category:
            queryset = queryset.filter(category=self.category)
        if self.country:
            queryset = queryset.filter(country_id=self.country)
        return queryset

    def query(self) -> str:
        """The filters as a query string, for links to exports and to the map."""
        values = {"start": self.start and self.start.isoformat(), "end": self.end and self.end.isoformat(),
                  "category": self.category, "country": self.country}
        return urlencode({key: value for key, value in values.items() if value})

    @property
    def daily(self) -> bool:
        return bool(self.start and self.end and (self.end - self.start).days < DAILY_UP_TO_DAYS)


def default_filters(today: date | None = None) -> Filters:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    start = date(today.year - 1, today.month, 1) + timedelta(days=31)
    return Filters(start=start.replace(day=1), end=today)


@dataclass
class Table:
    """A table of the dashboard, exported as is to CSV and XLSX."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)


def reports_for(user, filters: Filters) -> QuerySet:
    """The reports `user` may read that match `filters`."""
    return filters.apply(readable(Report.objects.all(), user))


@dataclass
class Figures:
    """Report counts grouped by (period bucket, category, country, region)."""

    filters: Filters
    cells: list[Cell]
    # Counts per region, when the cells do not carry their region (counted ahead).
    regions: Counter | None = None

    @property
    def total(self) -> int:
        return sum(cell[4] for cell in self.cells)

    def _sum(self, index: int) -> Counter:
        counts: Counter = Counter()
        for cell in self.cells:
            counts[cell[index]] += cell[4]
        return counts

    def by_category(self) -> Table:
        counts = self._sum(1)
        total = sum(counts.values())
        rows = [[str(ThreatCategory(key).label), count, _share(count, total)]
                for key, count in counts.most_common() if key in ThreatCategory.values]
        return Table("by_category", _("Reports by threat category"),
                     [_("Threat category"), _("Reports"), _("Share (%)")], rows)

    def by_country(self) -> Table:
        counts = self._sum(2)
        names = {c.code: c.name for c in Country.objects.filter(code__in=[k for k in counts if k])}
        total = sum(counts.values())
        rows = [[names.get(key, _("Not stated")) if key else _("Not stated"), count,
                 _share(count, total)] for key, count in counts.most_common()]
        return Table("by_country", _("Reports by country"),
                     [_("Country"), _("Reports"), _("Share (%)")], rows)

    def region_counts(self) -> Counter:
        counts = self._sum(3) if self.regions is None else self.regions
        return Counter({key: count for key, count in counts.items() if key})

    def by_region(self) -> Table:
        counts = self.region_counts()
        regions = Region.objects.filter(code__in=list(counts)).select_related("country")
        rows = sorted(([region.name, region.country.name, counts[region.code]] for region in regions),
                      key=lambda row: (-row[2], row[0]))
        return Table("by_region", _("Reports by region"), [_("Region"), _("Country"), _("Reports")],
                     rows)

    def buckets(self) -> list[str]:
        """Every period bucket from the start to the end, empty ones included."""
        present = sorted({cell[0] for cell in self.cells})
        start = self.filters.start or (date.fromisoformat(_as_day(present[0])) if present else None)
        end = self.filters.end or (date.fromisoformat(_as_day(present[-1])) if present else None)
        if not start or not end or start > end:
            return present
        result = []
        if self.filters.daily:
            day = start
            while day <= end:
                result.append(day.isoformat())
                day += timedelta(days=1)
        else:
            month = start.replace(day=1)
            while month <= end:
                result.append(month.isoformat()[:7])
                month = (month + timedelta(days=32)).replace(day=1)
        return result

    def over_time(self) -> Table:
        counts: dict[str, Counter] = defaultdict(Counter)
        for bucket, category, _country, _region, count in self.cells:
            counts[bucket][category] += count
        categories = [c for c in ThreatCategory if any(counts[b][c.value] for b in counts)]
        rows = []
        for bucket in self.buckets():
            values = [counts[bucket][c.value] for c in categories]
            rows.append([bucket_label(bucket), *values, sum(values)])
        return Table("over_time", _("Reports over time by threat category"),
                     [_("Period"), *[str(c.label) for c in categories], _("Total")], rows)

    def tables(self) -> list[Table]:
        return [self.over_time(), self.by_category(), self.by_country(), self.by_region()]

    def charts(self) -> dict[str, dict]:
        """Chart specifications for static/pcms/charts.js and for the SVG charts of PDFs."""
        over_time = self.over_time()
        series = over_time.headers[1:-1]
        by_category, by_country = self.by_category(), self.by_country()
        return {
            "over_time": {"type": "bar", "stacked": True, "labels": [row[0] for row in over_time.rows],
                          "datasets": [{"label": label, "data": [row[i + 1] for row in over_time.rows]}
                                       for i, label in enumerate(series)]},
            "by_category": {"type": "bar", "horizontal": True,
                            "labels": [row[0] for row in by_category.rows],
                            "datasets": [{"label": _("Reports"), "data": [r[1] for r in by_category.rows]}]},
            "by_country": {"type": "bar", "horizontal": True,
                           "labels": [row[0] for row in by_country.rows],
                           "datasets": [{"label": _("Reports"), "data": [r[1] for r in by_country.rows]}]},
        }


def figures(queryset: QuerySet, filters: Filters) -> Figures:
    """Count the reports of `queryset` (already limited to what may be read) in one query."""
    return Figures(filters, _grouped(queryset, 10 if filters.daily else 7))


def _grouped(queryset: QuerySet, length: int, index: str | None = CUBE_INDEX) -> list[Cell]:
    """Reports of `queryset` grouped by (period bucket of `length` characters, category, country,
    region); on SQLite, read through `index`, which answers the query best."""
    bucket = Substr(Cast("facts_date", output_field=CharField()), 1, length)
    cells = (queryset.filter(facts_date__isnull=False).order_by()
             .annotate(bucket=bucket)
             .values_list("bucket", "category", "country_id", "region_id")
             .annotate(count=Count("pk")))
    vendor = connections[cells.db].vendor
    if vendor == "postgresql":
        with _quick_count(cells.db):
            return [tuple(cell) for cell in cells]
    if vendor != "sqlite" or cells.query.is_empty() or not index:
        return [tuple(cell) for cell in cells]
    # SQLite's planner prefers a skip-scan of (category, facts_date), then reads every row of the
    # period from the table; the covering index of migration 0002 answers four times faster. Of
    # the reports due for review this month, it reads the period rather than the review dates.
    sql, params = cells.query.sql_with_params()
    sql = sql.replace(f'FROM "{Report._meta.db_table}"',
                      f'FROM "{Report._meta.db_table}" INDEXED BY "{index}"', 1)
    with connections[cells.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


@cache
def _index_of(using: str, column: str) -> str | None:
    """The name of the index on `column` alone of the reports' table."""
    with connections[using].cursor() as cursor:
        constraints = connections[using].introspection.get_constraints(cursor, Report._meta.db_table)
    return next((name for name, about in constraints.items()
                 if about["index"] and about["columns"] == [column]), None)


@contextmanager
def _quick_count(using: str):
    """PostgreSQL: the planner's estimate over a million rows wakes the JIT compiler, which costs
    half a second and saves nothing here; a little more memory lets it hash instead of sorting."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '32MB'")
        yield


def exact_figures(user, filters: Filters) -> Figures:
    """The figures counted report by report, through `readable()`."""
    return figures(reports_for(user, filters), filters)


def dashboard_figures(user, filters: Filters) -> Figures:
    """The figures of `filters` for `user`: whole months from the counts kept ahead
    (`pcms.analysis.counts`), and report by report through `readable()` what they cannot say:
    the part-months at the ends of the period, the months changed since they were counted, and
    the reports whose review falls due this month. Both give the same figures."""
    whole = _whole_months(filters)
    if filters.daily or whole is None or not may_use_records(user):
        return exact_figures(user, filters)
    first, last, ends = whole
    today = timezone.localdate()
    changed = {month for month, _category in counts.pending()}
    if connections[ReportCount.objects.db].vendor == "postgresql":
        with _quick_count(ReportCount.objects.db):
            over_time, places = counts.counted(user, first, last, filters.category, filters.country, today)
    else:
        over_time, places = counts.counted(user, first, last, filters.category, filters.country, today)
    cells: Counter = Counter()
    regions: Counter = Counter()
    for month, category, country, number in over_time:
        if month not in changed:
            cells[(month, category, country, None)] += number
    for month, region, number in places:
        if month not in changed:
            regions[region] += number

    def add(counted: list[Cell], keep=lambda month: True) -> None:
        for month, category, country, region, number in counted:
            if keep(month):
                cells[(month, category, country, None)] += number
                regions[region] += number

    for start, end in ends:
        add(_grouped(reports_for(user, replace(filters, start=start, end=end)), 7))
    months = reports_for(user, replace(filters, start=first and counts.month_range(first)[0],
                                       end=last and counts.month_range(last)[1]))
    review_now = months.filter(review_due__range=(today.replace(day=1), counts.month_end(today)))
    add(_grouped(review_now, 7, _index_of(review_now.db, "review_due")),
        keep=lambda month: month not in changed)
    changed_here = [month for month in sorted(changed)
                    if (not first or month >= first) and (not last or month <= last)]
    if changed_here:
        add(_grouped(months.filter(Q(*[Q(facts_date__range=counts.month_range(month))
                                       for month in changed_here], _connector=Q.OR)), 7))
    return Figures(filters, [(*key, number) for key, number in cells.items()], regions)


def _whole_months(filters: Filters) -> tuple[str | None, str | None, list[tuple[date, date]]] | None:
    """The first and last whole months of the period (None: open), and the part-months at its
    ends as (start, end) dates; None when the period holds no whole month."""
    first = last = None
    ends = []
    if filters.start:
        first = counts.month_of(filters.start)
        if filters.start.day != 1:
            first = counts.month_of(counts.month_end(filters.start) + timedelta(days=1))
            ends.append((filters.start, min(counts.month_end(filters.start), filters.end or date.max)))
    if filters.end:
        last = counts.month_of(filters.end)
        if filters.end != counts.month_end(filters.end):
            last = counts.month_of(filters.end.replace(day=1) - timedelta(days=1))
            ends.append((max(filters.end.replace(day=1), filters.start or date.min), filters.end))
    if first and last and first > last:
        return None
    return first, last, ends


def bucket_label(bucket: str) -> str:
    """'2026-03' as the month in the reader's language, '2026-03-14' as a short date."""
    if len(bucket) == 7:
        return formats.date_format(date.fromisoformat(bucket + "-01"), "YEAR_MONTH_FORMAT")
    return formats.date_format(date.fromisoformat(bucket), "SHORT_DATE_FORMAT")


def bucket_digits(bucket: str) -> str:
    """'2026-03' as '03/2026', '2026-03-14' as '14/03': digits only, for drawings."""
    parts = bucket.split("-")
    return f"{parts[1]}/{parts[0]}" if len(parts) == 2 else f"{parts[2]}/{parts[1]}"


def _as_day(bucket: str) -> str:
    return bucket if len(bucket) == 10 else bucket + "-01"


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0
