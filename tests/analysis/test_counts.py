"""Counts kept ahead give every user exactly the figures that counting report by report through
`readable()` gives: for random reports and users of every role and platform, for any period, before
and after the changed months are counted again, and whatever path changed the reports."""

import io
import random
from collections import Counter
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from pcms.accounts.models import User
from pcms.analysis import counts, stats
from pcms.analysis.models import ReportCount
from pcms.exchange.models import RecordGrant
from pcms.records.choices import Dissemination, Status
from pcms.records.models import Report
from pcms.reference.models import Platform, Region

CATEGORIES = ["terrorism", "kidnapping", "smuggling", "cybercrime"]
ROLES = ["officer", "supervisor", "analyst", "dpo", "coordinator"]


def _review_date(rng: random.Random, today: date) -> date | None:
    """No review date, or one in a past month, this month (before or after today), or later."""
    first = today.replace(day=1)
    return rng.choice([
        None, None, first - timedelta(days=rng.randrange(1, 400)), first,
        counts.month_end(today), today, today + timedelta(days=rng.randrange(1, 900))])


def _facts_date(rng: random.Random, today: date) -> date | None:
    return None if rng.random() < 0.05 else today - timedelta(days=rng.randrange(6 * 365))


def _report(rng: random.Random, number: int, platforms: list, regions: list, today: date) -> Report:
    region = rng.choice(regions + [None])
    return Report(
        reference=f"T-{number:05d}", title="Rapport fictif", owner=rng.choice(platforms),
        dissemination=rng.choice(Dissemination.values), status=rng.choice(Status.values),
        classification=rng.randrange(4), category=rng.choice(CATEGORIES),
        facts_date=_facts_date(rng, today), review_due=_review_date(rng, today),
        country_id=region.country_id if region and rng.random() < 0.9 else rng.choice(["NE", "ML", None]),
        region=region, source_reliability="B", credibility="2")


def _users(rng: random.Random, platforms: list) -> list[User]:
    users = []
    for platform in platforms:
        for role in ROLES:
            user = User.objects.create_user(f"{role}-{platform.code.lower()}", platform=platform,
                                            clearance=rng.randrange(4))
            user.groups.add(Group.objects.get(name=role))
            users.append(User.objects.get(pk=user.pk))
    return users


def _periods(today: date) -> list[stats.Filters]:
    year = stats.default_filters(today)
    five = stats.Filters(start=today - timedelta(days=5 * 365), end=today)
    middle = stats.Filters(start=today - timedelta(days=700), end=today - timedelta(days=200))
    whole = stats.Filters(start=year.start.replace(year=year.start.year - 2),
                          end=year.start - timedelta(days=1))
    return [year, five, middle, whole, stats.Filters(),
            stats.Filters(start=five.start, end=today, category="kidnapping"),
            stats.Filters(start=middle.start, country="NE")]


def _shown(figures: stats.Figures) -> tuple[dict, dict, dict]:
    """What the dashboard shows: counts per (period, category), per country and per region."""
    over_time: Counter = Counter()
    countries: Counter = Counter()
    for bucket, category, country, _region, number in figures.cells:
        over_time[(bucket, category)] += number
        countries[country] += number
    return (+over_time, +countries, +figures.region_counts())


def assert_same_figures(users: list, periods: list) -> int:
    """Every user's figures equal those counted report by report; returns how many were compared."""
    compared = 0
    for user in users:
        for filters in periods:
            expected = _shown(stats.exact_figures(user, filters))
            assert _shown(stats.dashboard_figures(user, filters)) == expected, (user.username, filters)
            compared += sum(expected[0].values())
    return compared


def _stored_counts() -> Counter:
    return Counter(ReportCount.objects.values_list(
        "platform_id", "grain", "month", "category", "country_id", "region_id", "owner_id", "classification",
        "review_due", "reports"))


@pytest.fixture
def world(db):
    rng = random.Random(11)  # noqa: S311 - reproducible synthetic data
    today = timezone.localdate()
    platforms = list(Platform.objects.all())
    regions = list(Region.objects.filter(country_id__in=["NE", "ML", "BF"]))[:8]
    reports = Report.objects.bulk_create([_report(rng, n, platforms, regions, today) for n in range(240)])
    through = Report.recipients.through
    through.objects.bulk_create([
        through(report_id=report.pk, platform_id=platform.pk)
        for report in reports for platform in rng.sample(platforms, rng.randrange(3))])
    users = _users(rng, platforms)
    for report in rng.sample(reports, 40):
        RecordGrant.objects.create(platform=rng.choice(platforms), report=report, granted_by=users[0])
    return rng, reports, users, _periods(today)


def test_figures_equal_those_counted_report_by_report_before_and_after_counting(world):
    rng, reports, users, periods = world
    assert counts.pending()  # nothing counted yet: every month is counted report by report
    assert assert_same_figures(users, periods) > 0

    counts.fold()
    assert not counts.pending() and ReportCount.objects.exists()
    assert assert_same_figures(users, periods) > 0


def test_every_path_that_changes_reports_keeps_figures_exact(world):
    rng, reports, users, periods = world
    counts.fold()
    today = timezone.localdate()
    ids = [report.pk for report in reports]
    Report.objects.filter(pk__in=rng.sample(ids, 20)).update(review_due=today)
    Report.objects.filter(pk__in=rng.sample(ids, 20)).update(review_due=today - timedelta(days=40))
    Report.objects.filter(pk__in=rng.sample(ids, 20)).update(status=Status.VALIDATED)
    Report.objects.filter(pk__in=rng.sample(ids, 20)).update(dissemination=Dissemination.OWN)
    Report.objects.filter(pk__in=rng.sample(ids, 10)).update(facts_date=today - timedelta(days=500))
    moved = Report.objects.get(pk=rng.choice(ids))
    moved.category, moved.classification = "terrorism", 0
    moved.save()
    named = Report.objects.filter(dissemination=Dissemination.NAMED, status=Status.VALIDATED)[:10]
    for report in named:
        report.recipients.set(rng.sample(list(Platform.objects.all()), 2))
    RecordGrant.objects.filter(pk__in=list(RecordGrant.objects.values_list("pk", flat=True)[:15])).delete()
    RecordGrant.objects.create(platform=Platform.objects.get(code="ML"), granted_by=users[0],
                               report=Report.objects.exclude(owner__code="ML").first())
    Report.objects.filter(pk__in=rng.sample(ids, 10)).delete()
    assert counts.pending()
    assert_same_figures(users, periods)

    counts.fold(limit=3)  # counted in part: the rest still counted report by report
    assert_same_figures(users, periods)

    Platform.objects.filter(code="ML").update(is_regional=True)  # a platform changed: every month
    users = [User.objects.get(pk=user.pk) for user in users]  # as signed in after the change
    assert_same_figures(users, periods)
    counts.fold()
    assert not counts.pending()
    assert_same_figures(users, periods)


def test_rebuild_from_scratch_is_idempotent_and_agrees_with_counting_as_changes_come(world):
    rng, reports, users, periods = world
    counts.fold()
    Report.objects.filter(pk__in=[report.pk for report in reports[:30]]).update(
        dissemination=Dissemination.ALL, status=Status.VALIDATED)
    counts.fold()
    folded = _stored_counts()

    call_command("counts", "--rebuild", stdout=io.StringIO())
    assert _stored_counts() == folded
    call_command("counts", "--rebuild", stdout=io.StringIO())
    assert _stored_counts() == folded
    assert_same_figures(users, periods[:2])


def test_counts_of_a_month_never_reach_a_platform_outside_its_audience(world):
    rng, reports, users, periods = world
    counts.fold()
    Report.objects.create(
        reference="T-HOME", title="Rapport fictif gardé", owner=Platform.objects.get(code="BF"),
        dissemination=Dissemination.OWN, status=Status.VALIDATED, classification=0,
        category="cybercrime", facts_date=date(2020, 1, 15), source_reliability="B", credibility="2")
    counts.fold()
    stored = ReportCount.objects.filter(month="2020-01")
    assert set(stored.values_list("platform__code", flat=True)) == {"BF"}
