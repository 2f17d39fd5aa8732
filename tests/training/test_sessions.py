"""Planning sessions, registering participants, attendance, scores and evaluations."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pcms.audit.models import AuditEntry
from pcms.training import services
from pcms.training.models import Session
from tests.conftest import page_text
from tests.training.conftest import make_official

SESSION_FORM = {"starts_on": "2025-05-12", "ends_on": "2025-05-14", "place": "Bamako", "country": "ML",
                "organiser": "Plateforme régionale", "partners": "UNODC", "trainers": "Cdt. Diallo",
                "capacity": "20", "language": "fr", "max_score": "20"}


def test_coordinator_plans_a_session_and_it_is_audited(coordinator_client, course):
    response = coordinator_client.post("/training/sessions/new/", {**SESSION_FORM, "course": course.pk})
    session = Session.objects.get()
    assert response["Location"] == f"/training/sessions/{session.pk}/"
    assert (session.place, session.capacity, session.status) == ("Bamako", 20, "planned")
    assert AuditEntry.objects.filter(action="create", object_type="training.session").exists()


def test_session_ending_before_it_starts_is_refused_with_a_clear_message(coordinator_client, course):
    from django.utils import translation

    with translation.override("en"):
        response = coordinator_client.post(
            "/training/sessions/new/", {**SESSION_FORM, "course": course.pk, "ends_on": "2025-05-10"},
            HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not Session.objects.exists()
    assert "2025-05-10" in page_text(response) and "2025-05-12" in page_text(response)


def test_database_refuses_a_session_ending_before_it_starts(course):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(course=course, starts_on=date(2025, 5, 12), ends_on=date(2025, 5, 11),
                               place="Niamey", country_id="NE", organiser="x")


def test_registering_the_same_official_twice_is_refused(session, coordinator):
    official = make_official("Issa", "Hamani")
    row = {"agency": "Police nationale", "agency_kind": "police", "function": ""}
    services.register_participant(session, row, official=official, actor=coordinator)
    with pytest.raises(ValidationError):
        services.register_participant(session, row, official=official, actor=coordinator)


def test_full_session_refuses_one_more_participant(session, coordinator):
    session.capacity = 1
    session.save()
    row = {"agency": "Police", "agency_kind": "police", "function": ""}
    services.register_participant(session, row, official=make_official("A", "One"), actor=coordinator)
    with pytest.raises(ValidationError):
        services.register_participant(session, row, official=make_official("B", "Two"), actor=coordinator)


def test_manual_registration_proposes_a_known_official_before_creating_one(coordinator_client, session):
    known = make_official("Aminata", "Sall", country="SN", gender="female")
    form = {"last_name": "Sall", "first_name": "Aminata", "gender": "female", "country": "SN",
            "agency": "Police nationale", "agency_kind": "police", "function": "Inspectrice"}
    url = f"/training/sessions/{session.pk}/participants/new/"
    response = coordinator_client.post(url, form)
    assert response.status_code == 200 and 'id="known-candidates"' in response.content.decode()
    assert not session.registrations.exists()
    response = coordinator_client.post(url, {**form, "official": known.pk})
    assert response.status_code == 302
    assert session.registrations.get().official == known


def test_attendance_per_day_decides_who_completed(session, coordinator):
    a, b = make_official("Awa", "Sow", gender="female"), make_official("Modou", "Fall")
    row = {"agency": "Police", "agency_kind": "police", "function": ""}
    ra = services.register_participant(session, row, official=a, actor=coordinator)
    rb = services.register_participant(session, row, official=b, actor=coordinator)
    for day in session.days:
        services.record_attendance(session, day, {ra.pk} | ({rb.pk} if day == session.starts_on else set()),
                                   actor=coordinator)
    ra.refresh_from_db(), rb.refresh_from_db(), session.refresh_from_db()
    assert (ra.days_present, ra.completed) == (3, True)
    assert (rb.days_present, rb.completed) == (1, False)
    assert session.status == "held"


def test_attendance_on_a_day_outside_the_session_is_refused(session, coordinator):
    with pytest.raises(ValidationError, match="2025-03-20"):
        services.record_attendance(session, date(2025, 3, 20), set(), actor=coordinator)


def test_score_above_the_maximum_is_refused_and_nothing_is_saved(coordinator_client, session, coordinator):
    session.max_score = 20
    session.save()
    row = {"agency": "Police", "agency_kind": "police", "function": ""}
    ra = services.register_participant(session, row, official=make_official("Awa", "Sow"),
                                       actor=coordinator)
    rb = services.register_participant(session, row, official=make_official("Modou", "Fall"),
                                       actor=coordinator)
    response = coordinator_client.post(f"/training/sessions/{session.pk}/scores/", {
        f"pre_{ra.pk}": "8", f"post_{ra.pk}": "15", f"pre_{rb.pk}": "9", f"post_{rb.pk}": "23"})
    assert response.status_code == 400
    assert "23" in page_text(response) and "20" in page_text(response)
    ra.refresh_from_db()
    assert ra.post_score is None
    with pytest.raises(ValidationError, match="23"):
        services.record_scores(session, {rb.pk: (Decimal("9"), Decimal("23"))}, actor=coordinator)
    services.record_scores(session, {ra.pk: (Decimal("8"), Decimal("15.5"))}, actor=coordinator)
    ra.refresh_from_db()
    assert ra.post_score == Decimal("15.5")


def test_evaluation_is_recorded_and_averaged_on_the_session_page(coordinator_client, session):
    for marks in ((5, 4, 5, 3), (3, 4, 5, 5)):
        coordinator_client.post(f"/training/sessions/{session.pk}/evaluation/", dict(
            zip(("relevance", "content", "trainers", "organisation"), marks, strict=True)))
    assert session.evaluations.count() == 2
    page = page_text(coordinator_client.get(f"/training/sessions/{session.pk}/"))
    assert "4.0" in page or "4,0" in page


def test_evaluation_mark_out_of_range_is_refused(coordinator_client, session):
    response = coordinator_client.post(f"/training/sessions/{session.pk}/evaluation/", {
        "relevance": 6, "content": 4, "trainers": 4, "organisation": 4})
    assert response.status_code == 200
    assert not session.evaluations.exists()


def test_cancelled_session_takes_no_participant(session, coordinator):
    services.cancel_session(session, actor=coordinator)
    with pytest.raises(ValidationError):
        services.register_participant(session, {"agency": "P", "agency_kind": "police"},
                                      official=make_official("A", "B"), actor=coordinator)
