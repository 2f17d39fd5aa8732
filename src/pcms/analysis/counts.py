"""Report counts kept ahead per platform, so that the dashboard sums months instead of reports.

Need-to-know has two halves (`pcms.records.visibility`): the audience of a platform (its own
records, those addressed to it, those granted to it) and the reach of one of its users (clearance,
review date, the data protection officer's exception). The audience is decided here by
`visibility.audience` itself, report by report, when a month and category is counted; the reach
is applied when a user asks, by `visibility.within_reach` on the counted rows, which keep the
owner, the classification and the month of the review date. Whatever a count cannot decide is
counted report by report through `readable()` (see `pcms.analysis.stats`): the months at the ends
of the period, the reports whose review falls due this month, and the months changed since.

Database triggers note in `ReportCountChange` every month and category whose reports, recipients
or grants change, in the transaction that changes them, whatever the path (forms, imports,
federation, retention, deletion, SQL); a platform added or changed marks every month. `fold()`
counts them again (every minute, see `tasks`), `rebuild()` counts everything from scratch.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Count, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr

from pcms.analysis.models import Grain, ReportCount, ReportCountChange
from pcms.records.models import Report
from pcms.records.visibility import audience, within_reach
from pcms.reference.models import Platform

Cell = tuple[str, str]  # (month "YYYY-MM", threat category)
FOLD_CELLS = 24  # months and categories counted again per transaction

_CHANGES = ReportCountChange._meta.db_table
# The tables whose rows decide a report's month, category or audience, by their report's id.
_LINK_TABLES = ("records_report_recipients", "exchange_recordgrant")


def _sqlite_note(source: str, condition: str) -> str:
    """Note the month and category of the report(s) `source` names, unless already noted."""
    month = "substr(r.facts_date, 1, 7)"
    return (f"INSERT INTO {_CHANGES} (month, category) SELECT {month}, r.category FROM {source} "  # noqa: S608 - our own tables
            f"WHERE {condition} AND r.facts_date IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {_CHANGES} c "
            f"WHERE c.month = {month} AND c.category = r.category)")


_EVENTS = (("INSERT", "NEW"), ("UPDATE", "OLD"), ("UPDATE", "NEW"), ("DELETE", "OLD"))


def _sqlite_statements() -> list[str]:
    """Row triggers; a report, recipient or grant changed notes its report's month and category."""
    statements = []
    for event, row in _EVENTS:
        notes = {"records_report": _sqlite_note(
            f"(SELECT {row}.facts_date AS facts_date, {row}.category AS category) r", "1")}
        notes |= {table: _sqlite_note("records_report r", f"r.id = {row}.report_id")
                  for table in _LINK_TABLES}
        statements += [f"CREATE TRIGGER IF NOT EXISTS analysis_count_{table}_{event.lower()}_{row.lower()} "
                       f"AFTER {event} ON {table} BEGIN {note}; END" for table, note in notes.items()]
    every_month = ("SELECT DISTINCT substr(facts_date, 1, 7), category FROM records_report "
                   "WHERE facts_date IS NOT NULL")
    statements += [f"CREATE TRIGGER IF NOT EXISTS analysis_count_platform_{event.lower()} AFTER {event} "
                   f"ON reference_platform BEGIN INSERT INTO {_CHANGES} (month, category) {every_month}; END"
                   for event in ("INSERT", "UPDATE", "DELETE")]
    return statements


def _postgres_statements() -> list[str]:
    """Statement triggers reading the rows changed, so that a bulk write notes each month once."""
    functions = {
        "reports": "SELECT DISTINCT to_char(facts_date, 'YYYY-MM'), category FROM changed "
                   "WHERE facts_date IS NOT NULL",
        "links": "SELECT DISTINCT to_char(r.facts_date, 'YYYY-MM'), r.category FROM records_report r "
                 "JOIN changed c ON r.id = c.report_id WHERE r.facts_date IS NOT NULL",
        "platforms": "SELECT DISTINCT to_char(facts_date, 'YYYY-MM'), category FROM records_report "
                     "WHERE facts_date IS NOT NULL",
    }
    statements = [f"""CREATE OR REPLACE FUNCTION analysis_count_{name}_changed() RETURNS trigger AS $$
                      BEGIN INSERT INTO {_CHANGES} (month, category) {select}; RETURN NULL; END;
                      $$ LANGUAGE plpgsql""" for name, select in functions.items()]
    tables = {"records_report": "reports", **{table: "links" for table in _LINK_TABLES}}
    statements += [f"CREATE OR REPLACE TRIGGER analysis_count_{event.lower()}_{rows.lower()} AFTER {event} "
                   f"ON {table} REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT "
                   f"EXECUTE FUNCTION analysis_count_{function}_changed()"
                   for table, function in tables.items() for event, rows in _EVENTS]
    statements.append("CREATE OR REPLACE TRIGGER analysis_count_platform AFTER INSERT OR UPDATE OR DELETE "
                      "ON reference_platform FOR EACH STATEMENT "
                      "EXECUTE FUNCTION analysis_count_platforms_changed()")
    return statements


def _statements(db: BaseDatabaseWrapper) -> list[str]:
    return {"sqlite": _sqlite_statements, "postgresql": _postgres_statements}[db.vendor]()


def _trigger_count(db: BaseDatabaseWrapper) -> int:
    with db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'analysis_count_%'"
                       if db.vendor == "postgresql" else
                       "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                       "AND name LIKE 'analysis_count_%'")
        return cursor.fetchone()[0]


def install_triggers(db: BaseDatabaseWrapper) -> None:
    """Create the triggers that note changed months."""
    with db.cursor() as cursor:
        for statement in _statements(db):
            cursor.execute(statement)


def ensure_triggers(db: BaseDatabaseWrapper) -> None:
    """Run by migration `analysis/0003` and after every migration: SQLite drops a table's triggers
    when a migration rebuilds the table, so any missing one is created again and every month
    noted as changed."""
    if _CHANGES not in db.introspection.table_names():
        return
    expected = sum(1 for statement in _statements(db) if "TRIGGER analysis_count_" in statement
                   or "EXISTS analysis_count_" in statement)
    if _trigger_count(db) >= expected:
        return
    with transaction.atomic(using=db.alias):
        install_triggers(db)
        note_every_month(db.alias)


def note_every_month(using: str = "default") -> None:
    """Note every month and category of the stored reports as changed."""
    cells = (Report.objects.using(using).filter(facts_date__isnull=False).order_by()
             .annotate(month=_month_text()).values_list("month", "category").distinct())
    ReportCountChange.objects.using(using).bulk_create(
        [ReportCountChange(month=month, category=category) for month, category in cells], batch_size=2000)


def remove_triggers(db: BaseDatabaseWrapper) -> None:
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            for name in ("reports", "links", "platforms"):
                cursor.execute(f"DROP FUNCTION IF EXISTS analysis_count_{name}_changed() CASCADE")
            return
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                       "AND name LIKE 'analysis_count_%'")
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP TRIGGER "{name}"')


def month_of(day: date) -> str:
    return day.isoformat()[:7]


def month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def month_range(month: str) -> tuple[date, date]:
    first = date.fromisoformat(month + "-01")
    return first, month_end(first)


def cells_filter(cells: Iterable[Cell], dated: bool = True) -> Q:
    """The reports (`dated`) or the rows with `month` of the given months and categories."""
    by_month: dict[str, set[str]] = defaultdict(set)
    for month, category in cells:
        by_month[month].add(category)
    return Q(*[Q(**({"facts_date__range": month_range(month)} if dated else {"month": month}),
                 category__in=sorted(categories)) for month, categories in sorted(by_month.items())],
             _connector=Q.OR)


def _month_text() -> Substr:
    return Substr(Cast("facts_date", output_field=CharField()), 1, 7)


def _counted(reports: QuerySet, platform: Platform) -> list[ReportCount]:
    """The counts of `reports` in the audience of `platform`, as decided by need-to-know: by
    region (grain "full") and summed over regions (grain "time")."""
    grouped = (reports.filter(audience(Report, platform)).order_by().annotate(month=_month_text())
               .values_list("month", "category", "country_id", "region_id", "owner_id",
                            "classification", "review_due")
               .annotate(reports=Count("pk")))
    full: Counter = Counter()
    for *key, review_due, number in grouped:
        full[(*key, review_due and month_end(review_due))] += number
    over_regions: Counter = Counter()
    for (month, category, country, _region, *rest), number in full.items():
        over_regions[(month, category, country, None, *rest)] += number
    return [ReportCount(platform=platform, grain=grain, month=month, category=category,
                        country_id=country, region_id=region, owner_id=owner,
                        classification=classification, review_due=review_due, reports=number)
            for grain, rows in ((Grain.FULL, full), (Grain.TIME, over_regions))
            for (month, category, country, region, owner, classification, review_due), number
            in rows.items()]


def _count_places(months: set[str]) -> None:
    """Region counts of whole months, over all categories (grain "place"), from the full counts."""
    ReportCount.objects.filter(grain=Grain.PLACE, month__in=months).delete()
    summed = (ReportCount.objects.filter(grain=Grain.FULL, month__in=months).order_by()
              .values_list("platform_id", "month", "country_id", "region_id", "owner_id", "classification",
                           "review_due").annotate(number=Sum("reports")))
    ReportCount.objects.bulk_create([
        ReportCount(platform_id=platform, grain=Grain.PLACE, month=month, category="", country_id=country,
                    region_id=region, owner_id=owner, classification=classification,
                    review_due=review_due, reports=number)
        for platform, month, country, region, owner, classification, review_due, number in summed],
        batch_size=2000)


def _take(limit: int) -> set[Cell]:
    """Remove from the changes up to `limit` months and categories, with all their notes; the
    earliest first, so that one batch holds few months (each recounts its region figures)."""
    with connection.cursor() as cursor:
        # A write first: on SQLite it takes the database's write lock before anything is read.
        cursor.execute(f"DELETE FROM {_CHANGES} WHERE id IN (SELECT id FROM {_CHANGES} "  # noqa: S608 - our own table
                       "ORDER BY month, category LIMIT %s) RETURNING month, category", [limit])
        cells = set(cursor.fetchall())
    if cells:
        ReportCountChange.objects.filter(cells_filter(cells, dated=False)).delete()
    return cells


def fold(limit: int | None = None) -> int:
    """Count again the months and categories changed since; returns how many were counted.

    Each batch is one transaction: the notes are removed and the counts replaced together, and
    a change committed meanwhile leaves its own note for the next time."""
    done = 0
    while limit is None or done < limit:
        with transaction.atomic():
            if connection.vendor == "postgresql":  # one fold at a time; SQLite's writes are serial
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext('pcms.analysis.counts'))")
            cells = _take(FOLD_CELLS)
            if not cells:
                return done
            ReportCount.objects.filter(cells_filter(cells, dated=False)).delete()
            reports = Report.objects.filter(cells_filter(cells))
            rows = [row for platform in Platform.objects.all() for row in _counted(reports, platform)]
            ReportCount.objects.bulk_create(rows, batch_size=2000)
            _count_places({month for month, _category in cells})
        done += len(cells)
    return done


def rebuild() -> int:
    """Forget every count and count every month again (after a restore, or to check the triggers)."""
    with transaction.atomic():
        ReportCount.objects.all().delete()
        ReportCountChange.objects.all().delete()
        note_every_month()
    return fold()


def pending() -> set[Cell]:
    """Months and categories changed since they were last counted."""
    return set(ReportCountChange.objects.order_by().values_list("month", "category").distinct())


def counted(user, first: str | None, last: str | None, category: str, country: str,
            review_month: date) -> tuple[list[tuple[str, str, str | None, int]], list[tuple[str, str, int]]]:
    """What `user` reads of the counts of months `first` to `last`, leaving out the reports whose
    review falls due in `review_month`: (month, category, country, reports) and (month, region,
    reports)."""
    rows = ReportCount.objects.filter(platform_id=user.platform_id)
    if first:
        rows = rows.filter(month__gte=first)
    if last:
        rows = rows.filter(month__lte=last)
    if country:
        rows = rows.filter(country_id=country)
    rows = rows.filter(within_reach(user)).exclude(review_due=month_end(review_month)).order_by()
    over_time = rows.filter(grain=Grain.TIME, **({"category": category} if category else {}))
    places = (rows.filter(grain=Grain.FULL, category=category) if category
              else rows.filter(grain=Grain.PLACE, category=""))
    return ([tuple(row) for row in over_time.values_list("month", "category", "country_id")
             .annotate(number=Sum("reports"))],
            [tuple(row) for row in places.values_list("month", "region_id").annotate(number=Sum("reports"))])
