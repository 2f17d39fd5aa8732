"""Fixtures of the training tests: a coordinator, a course, a session and its participants."""

from datetime import date

import pytest

from pcms.training.choices import SessionStatus
from pcms.training.models import Course, Official, Registration, Session
from tests.conftest import sign_in


@pytest.fixture
def coordinator(make_user):
    return make_user("coord", "coordinator")


@pytest.fixture
def coordinator_client(client, coordinator):
    sign_in(client, coordinator)
    return client


@pytest.fixture
def course(db):
    return Course.objects.create(code="border-management", title_fr="Gestion intégrée des frontières",
                                 title_en="Integrated border management",
                                 title_ar="الإدارة المتكاملة للحدود", topic="borders",
                                 format="training", duration_days=3)


@pytest.fixture
def tutoring(db):
    return Course.objects.create(code="platform-tutoring", title_fr="Tutorat de la plateforme nationale",
                                 title_en="Platform tutoring", title_ar="تأطير فرق المنصة الوطنية",
                                 topic="platform", format="tutoring", duration_days=3)


@pytest.fixture
def session(course):
    return Session.objects.create(course=course, starts_on=date(2025, 3, 10), ends_on=date(2025, 3, 12),
                                  place="Niamey", country_id="NE", organiser="Plateforme régionale",
                                  capacity=25)


def make_official(first: str, last: str, *, country: str = "NE", gender: str = "male",
                  agency: str = "Police nationale", kind: str = "police", email: str = "") -> Official:
    return Official.objects.create(first_name=first, last_name=last, country_id=country, gender=gender,
                                   agency=agency, agency_kind=kind, email=email)


def attend(session: Session, official: Official, *, days: int | None = None, pre=None, post=None,
           kind: str | None = None) -> Registration:
    """Register an official who was present `days` days (every day by default)."""
    total = len(session.days)
    present = total if days is None else days
    if present and session.status != SessionStatus.HELD:
        session.status = SessionStatus.HELD
        session.save(update_fields=["status"])
    return Registration.objects.create(
        session=session, official=official, agency=official.agency,
        agency_kind=kind or official.agency_kind, days_present=present, completed=present == total,
        pre_score=pre, post_score=post)
