"""The programme's indicators for a period, counted in the database.

Definitions (the report prints them too):

* a session counts when it was held (not planned, not cancelled) and started within the period;
* an official is *trained* when present on at least one day of such a session; officials are
  people, counted once however many sessions they attended (`COUNT(DISTINCT official)`);
* by country and gender: the official's country and gender; by topic: the course's topic; by type of
  agency: the agency the official came from at the time of the session (someone who moved from the
  police to customs is counted once in each);
* knowledge gain: the post-session score minus the pre-session score, in points out of 100, averaged
  over the participants who sat both tests;
* replication: for each course, in how many countries and how many sessions it was held.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, F, FloatField, Q
from django.db.models.functions import Cast, ExtractYear
from django.utils.translation import gettext_lazy as _

from pcms.reference.choices import AgencyKind
from pcms.reference.models import Country
from pcms.training.choices import CourseFormat, Gender, Topic
from pcms.training.models import Course, Registration, Session


@dataclass
class Row:
    key: str
    display: object  # a lazy label or a Country: read in the language of the page or document
    value: int
    share: float = 0.0

    @property
    def label(self) -> str:
        return str(self.display)


@dataclass
class Replication:
    course: Course
    format_label: str
    sessions: int
    countries: int
    officials: int


@dataclass
class Report:
    start: date | None
    end: date | None
    sessions_held: int = 0
    participations: int = 0
    officials_trained: int = 0
    completed: int = 0
    countries_reached: int = 0
    host_countries: int = 0
    knowledge_gain: float | None = None
    tested: int = 0
    by_country: list[Row] = field(default_factory=list)
    by_topic: list[Row] = field(default_factory=list)
    by_agency_kind: list[Row] = field(default_factory=list)
    by_gender: list[Row] = field(default_factory=list)
    by_year: list[dict] = field(default_factory=list)
    replication: list[Replication] = field(default_factory=list)

    @property
    def map_values(self) -> dict[str, int]:
        return {row.key: row.value for row in self.by_country}

    @property
    def map_names(self) -> dict[str, str]:
        return {row.key: row.label for row in self.by_country}

    def share(self, value: int) -> float:
        """Percentage of the officials trained."""
        return round(100 * value / self.officials_trained, 1) if self.officials_trained else 0.0


DEFINITIONS = [
    _("A session counts when it was held and started within the period."),
    _("An official is trained when present on at least one day of such a session; each person "
      "counts once, however many sessions they attended."),
    _("Type of agency: the agency the official came from at the time of the session."),
    _("Knowledge gain: post-session score minus pre-session score, in points out of 100, averaged "
      "over the participants who sat both tests."),
]


def sessions_in(start: date | None, end: date | None, *, country: str | None = None,
                topic: str | None = None):
    sessions = Session.objects.held().between(start, end)
    if country:
        sessions = sessions.filter(country_id=country)
    if topic:
        sessions = sessions.filter(course__topic=topic)
    return sessions


def _distinct_by(registrations, column: str) -> dict[str, int]:
    rows = registrations.values(column).annotate(n=Count("official", distinct=True)).order_by()
    return {row[column]: row["n"] for row in rows}


def _rows(counts: dict[str, int], labels: dict) -> list[Row]:
    rows = [Row(key, labels.get(key, key), value) for key, value in counts.items()]
    return sorted(rows, key=lambda row: (-row.value, row.key))


def compute(start: date | None = None, end: date | None = None, *, country: str | None = None,
            topic: str | None = None) -> Report:
    """Every indicator for sessions held between `start` and `end` (inclusive, either open)."""
    sessions = sessions_in(start, end, country=country, topic=topic)
    trained = Registration.objects.filter(session__in=sessions, days_present__gt=0)
    report = Report(start, end)
    report.sessions_held = sessions.count()
    totals = trained.aggregate(
        participations=Count("id"), officials=Count("official", distinct=True),
        completed=Count("official", distinct=True, filter=Q(completed=True)),
        countries=Count("official__country", distinct=True))
    report.participations = totals["participations"]
    report.officials_trained = totals["officials"]
    report.completed = totals["completed"]
    report.countries_reached = totals["countries"]
    report.host_countries = sessions.values("country").distinct().count()
    gain = trained.filter(pre_score__isnull=False, post_score__isnull=False).aggregate(
        gain=Avg((Cast(F("post_score"), FloatField()) - Cast(F("pre_score"), FloatField())) * 100.0
                 / Cast(F("session__max_score"), FloatField())),
        tested=Count("id"))
    report.knowledge_gain = round(gain["gain"], 1) if gain["gain"] is not None else None
    report.tested = gain["tested"]

    by_country = _distinct_by(trained, "official__country")
    names = Country.objects.in_bulk(list(by_country))
    report.by_country = _rows(by_country, names)
    report.by_topic = _rows(_distinct_by(trained, "session__course__topic"), dict(Topic.choices))
    report.by_agency_kind = _rows(_distinct_by(trained, "agency_kind"), dict(AgencyKind.choices))
    report.by_gender = _rows(_distinct_by(trained, "official__gender"), dict(Gender.choices))
    for row in (*report.by_country, *report.by_topic, *report.by_agency_kind, *report.by_gender):
        row.share = report.share(row.value)

    sessions_by_year = dict(sessions.annotate(year=ExtractYear("starts_on")).values("year")
                            .annotate(n=Count("id")).order_by().values_list("year", "n"))
    trained_by_year = dict(trained.annotate(year=ExtractYear("session__starts_on")).values("year")
                           .annotate(n=Count("official", distinct=True)).order_by()
                           .values_list("year", "n"))
    report.by_year = [{"year": year, "sessions": sessions_by_year.get(year, 0),
                       "officials": trained_by_year.get(year, 0)}
                      for year in sorted(set(sessions_by_year) | set(trained_by_year))]

    per_course = (sessions.values("course").annotate(sessions=Count("id", distinct=True),
                                                     countries=Count("country", distinct=True))
                  .order_by())
    officials_per_course = _distinct_by(trained, "session__course")
    courses = Course.objects.in_bulk([row["course"] for row in per_course])
    formats = dict(CourseFormat.choices)
    report.replication = sorted(
        (Replication(courses[row["course"]], str(formats[courses[row["course"]].format]),
                     row["sessions"], row["countries"], officials_per_course.get(row["course"], 0))
         for row in per_course),
        key=lambda item: (-item.countries, -item.sessions, item.course.code))
    return report


def chart_data(report: Report) -> dict[str, dict]:
    """The dashboard's charts, as charts.js reads them."""
    def doughnut(rows: list[Row], label: str) -> dict:
        return {"type": "doughnut", "labels": [row.label for row in rows],
                "datasets": [{"label": label, "data": [row.value for row in rows]}]}

    return {
        "years": {"type": "bar", "labels": [str(row["year"]) for row in report.by_year],
                  "datasets": [{"label": str(_("Sessions held")),
                                "data": [r["sessions"] for r in report.by_year]},
                               {"label": str(_("Officials trained")),
                                "data": [r["officials"] for r in report.by_year]}]},
        "topics": {"type": "bar", "horizontal": True, "labels": [row.label for row in report.by_topic],
                   "datasets": [{"label": str(_("Officials trained")),
                                 "data": [row.value for row in report.by_topic]}]},
        "gender": doughnut(report.by_gender, str(_("Officials trained"))),
        "agencies": doughnut(report.by_agency_kind, str(_("Officials trained"))),
    }
