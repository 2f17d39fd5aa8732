"""The indicators match counts computed independently, in plain Python, over the same data."""

import io
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pcms.audit.models import AuditEntry
from pcms.training import indicators
from pcms.training.models import Course, Official, Registration, Session
from tests.conftest import page_text

COUNTRIES = ["NE", "ML", "BF", "TD", "MR", "SN", "NG", "KE"]
KINDS = ["police", "gendarmerie", "customs", "justice", "other"]


def expected(rows, start=None, end=None):
    """rows: (session_id, starts_on, status, course_id, topic, host, max_score, official_id, official
    country, gender, agency_kind, days_present, completed, pre, post) as plain Python values."""
    kept = [r for r in rows if r["status"] == "held" and (start is None or r["starts_on"] >= start)
            and (end is None or r["starts_on"] <= end)]
    trained = [r for r in kept if r["days_present"] > 0]

    def distinct_by(key):
        groups = defaultdict(set)
        for r in trained:
            groups[r[key]].add(r["official"])
        return {k: len(v) for k, v in groups.items()}

    gains = [(float(r["post"]) - float(r["pre"])) * 100 / r["max_score"] for r in trained
             if r["pre"] is not None and r["post"] is not None]
    replication = defaultdict(lambda: (set(), set()))
    for r in kept:
        replication[r["course"]][0].add(r["session"])
        replication[r["course"]][1].add(r["host"])
    return {
        "officials": len({r["official"] for r in trained}),
        "participations": len(trained),
        "completed": len({r["official"] for r in trained if r["completed"]}),
        "countries": len({r["country"] for r in trained}),
        "by_country": distinct_by("country"), "by_topic": distinct_by("topic"),
        "by_kind": distinct_by("kind"), "by_gender": distinct_by("gender"),
        "gain": round(sum(gains) / len(gains), 1) if gains else None,
        "replication": {course: len(hosts) for course, (_s, hosts) in replication.items()},
    }


def rows_from_database():
    """Every registration with what the indicators need, read row by row (no aggregation)."""
    return [
        {"session": r.session_id, "starts_on": r.session.starts_on, "status": r.session.status,
         "course": r.session.course_id, "topic": r.session.course.topic, "host": r.session.country_id,
         "max_score": r.session.max_score, "official": r.official_id, "country": r.official.country_id,
         "gender": r.official.gender, "kind": r.agency_kind, "days_present": r.days_present,
         "completed": r.completed, "pre": r.pre_score, "post": r.post_score}
        for r in Registration.objects.select_related("session__course", "official").iterator()
    ]


def check(report, want, sessions_held):
    assert report.sessions_held == sessions_held
    assert report.officials_trained == want["officials"]
    assert report.participations == want["participations"]
    assert report.completed == want["completed"]
    assert report.countries_reached == want["countries"]
    assert {r.key: r.value for r in report.by_country} == want["by_country"]
    assert {r.key: r.value for r in report.by_topic} == want["by_topic"]
    assert {r.key: r.value for r in report.by_agency_kind} == want["by_kind"]
    assert {r.key: r.value for r in report.by_gender} == want["by_gender"]
    assert report.knowledge_gain == want["gain"]
    assert {item.course.pk: item.countries for item in report.replication} == want["replication"]


@pytest.fixture
def programme(db):
    """A random programme with people who come back, absentees, planned and cancelled sessions."""
    rnd = random.Random(8)
    courses = [Course.objects.create(code=f"c{i}", title_fr=f"Cours {i}", topic=topic, format="training",
                                     duration_days=3)
               for i, topic in enumerate(["borders", "cyber", "radicalisation", "platform"])]
    people = [Official.objects.create(first_name=f"P{i}", last_name=f"N{i}", country_id=rnd.choice(COUNTRIES),
                                      gender=rnd.choice(["male", "male", "female"]), agency="A",
                                      agency_kind=rnd.choice(KINDS)) for i in range(120)]
    for _ in range(40):
        start = date(2022, 1, 1) + timedelta(days=rnd.randint(0, 1000))
        status = rnd.choice(["held"] * 6 + ["planned", "cancelled"])
        session = Session.objects.create(
            course=rnd.choice(courses), starts_on=start, ends_on=start + timedelta(days=2), place="X",
            country_id=rnd.choice(COUNTRIES), organiser="O", status=status, capacity=50,
            max_score=rnd.choice([20, 100]))
        for person in rnd.sample(people, rnd.randint(5, 25)):
            present = rnd.choice([0, 1, 2, 3, 3, 3]) if status == "held" else 0
            pre = Decimal(rnd.randint(0, session.max_score // 2)) if rnd.random() < 0.8 else None
            post = (Decimal(rnd.randint(session.max_score // 2, session.max_score))
                    if rnd.random() < 0.8 else None)
            Registration.objects.create(session=session, official=person, agency="A",
                                        agency_kind=rnd.choice(KINDS), days_present=present,
                                        completed=present == 3, pre_score=pre, post_score=post)
    return people


def test_indicators_count_distinct_people_not_registrations(programme):
    rows = rows_from_database()
    report = indicators.compute()
    want = expected(rows)
    check(report, want, Session.objects.filter(status="held").count())
    assert report.participations > report.officials_trained  # people came back


def test_indicators_for_a_period_match_the_independent_count(programme):
    start, end = date(2023, 1, 1), date(2023, 12, 31)
    report = indicators.compute(start, end)
    held = Session.objects.filter(status="held", starts_on__range=(start, end)).count()
    check(report, expected(rows_from_database(), start, end), held)


def test_person_trained_twice_in_a_country_counts_once(db):
    course = Course.objects.create(code="c", title_fr="C", topic="borders", duration_days=1)
    person = Official.objects.create(first_name="A", last_name="B", country_id="NE", gender="female",
                                     agency="Police", agency_kind="police")
    for day in (date(2024, 1, 10), date(2024, 6, 10)):
        session = Session.objects.create(course=course, starts_on=day, ends_on=day, place="Niamey",
                                         country_id="NE", organiser="O", status="held")
        Registration.objects.create(session=session, official=person, agency="Police",
                                    agency_kind="police", days_present=1, completed=True)
    report = indicators.compute()
    assert (report.sessions_held, report.participations, report.officials_trained) == (2, 2, 1)
    assert [(r.key, r.value) for r in report.by_gender] == [("female", 1)]
    assert [(i.sessions, i.countries, i.officials) for i in report.replication] == [(2, 1, 1)]


def test_dashboard_shows_the_figures_and_exports_are_audited(coordinator_client, programme):
    report = indicators.compute()
    page = page_text(coordinator_client.get("/training/"))
    assert f'data-kpi="officials">{report.officials_trained}<' in page
    assert 'id="map-values"' in page and "countrymap.js" in page
    response = coordinator_client.get("/training/report.xlsx?start=2022-01-01&end=2026-12-31")
    workbook = load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(values_only=True) if row}
    assert summary["Agents formés (personnes distinctes)"] == report.officials_trained
    pdf = coordinator_client.get("/training/report.pdf?language=ar")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="export", object_type="training.report").count() == 2


def test_exported_cells_cannot_run_formulas(coordinator_client, db):
    course = Course.objects.create(code="c", title_fr="=HYPERLINK(\"http://x\")", topic="cyber",
                                   duration_days=1)
    person = Official.objects.create(first_name="A", last_name="B", country_id="NE", gender="male",
                                     agency="P", agency_kind="police")
    session = Session.objects.create(course=course, starts_on=date(2024, 1, 1), ends_on=date(2024, 1, 1),
                                     place="N", country_id="NE", organiser="O", status="held")
    Registration.objects.create(session=session, official=person, agency="P", agency_kind="police",
                                days_present=1)
    workbook = load_workbook(io.BytesIO(coordinator_client.get("/training/report.xlsx").content))
    cells = [c for row in workbook["Réplication"].iter_rows(values_only=True) for c in row]
    assert "'=HYPERLINK(\"http://x\")" in cells


def test_period_ending_before_it_starts_is_refused(coordinator_client, db):
    response = coordinator_client.get("/training/?start=2025-01-01&end=2024-01-01")
    assert "La période se termine avant de commencer" in page_text(response)


@pytest.mark.django_db
def test_demo_programme_is_large_and_its_report_matches_an_independent_count():
    from io import StringIO

    from pcms.training import demo

    demo.load(StringIO())
    rows = rows_from_database()
    assert Session.objects.count() >= 300
    assert Official.objects.count() >= 3000
    assert len({r["country"] for r in rows}) >= 30
    tutoring = Session.objects.filter(course__code="platform-tutoring", status="held")
    assert set(tutoring.values_list("country_id", flat=True)) == {"MR", "ML", "BF", "NE", "TD"}
    report = indicators.compute()
    check(report, expected(rows), Session.objects.filter(status="held").count())
    start, end = date(2023, 1, 1), date(2024, 6, 30)
    held = Session.objects.filter(status="held", starts_on__range=(start, end)).count()
    check(indicators.compute(start, end), expected(rows, start, end), held)
    demo.load(StringIO())  # idempotent
    assert indicators.compute().officials_trained == report.officials_trained
