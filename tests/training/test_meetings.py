"""A series of high-level meetings: editions, participants, recommendations and their follow-up."""

from datetime import date

from pcms.training.models import Course, MeetingSeries, Recommendation, Session
from tests.conftest import page_text
from tests.training.conftest import attend, make_official


def test_edition_lists_its_countries_and_agencies_and_follows_up_recommendations(coordinator_client):
    course = Course.objects.create(code="heads", title_fr="Réunion des chefs", topic="leadership",
                                   format="meeting", duration_days=2)
    session = Session.objects.create(course=course, starts_on=date(2025, 11, 12),
                                     ends_on=date(2025, 11, 13), place="Nouakchott", country_id="MR",
                                     organiser="Plateforme régionale")
    attend(session, make_official("Sidi", "Ould Ahmed", country="MR", agency="Sûreté nationale"))
    attend(session, make_official("Abakar", "Mahamat", country="TD", agency="Police nationale"))
    coordinator_client.post("/training/meetings/new/", {
        "code": "heads", "title_fr": "Réunion annuelle des chefs", "title_en": "", "title_ar": ""})
    series = MeetingSeries.objects.get()
    response = coordinator_client.post(f"/training/meetings/{series.pk}/editions/new/", {
        "number": 3, "session": session.pk, "theme": "Partage de l'information"})
    edition = series.editions.get()
    assert response["Location"] == f"/training/editions/{edition.pk}/"
    coordinator_client.post(f"/training/editions/{edition.pk}/", {
        "text": "Désigner un point focal par service", "responsible": "États membres",
        "due_on": "2026-06-30"})
    recommendation = Recommendation.objects.get()
    assert recommendation.number == 1 and recommendation.status == "open"
    coordinator_client.post(f"/training/recommendations/{recommendation.pk}/follow-up/", {
        "status": "done", "on": "2026-05-02", "note": "Points focaux désignés dans les cinq États."})
    recommendation.refresh_from_db()
    assert recommendation.status == "done" and recommendation.updates.count() == 1
    page = page_text(coordinator_client.get(f"/training/editions/{edition.pk}/"))
    assert "Mauritanie" in page and "Tchad" in page
    assert "Sûreté nationale" in page and "Points focaux désignés" in page
    series_page = page_text(coordinator_client.get(f"/training/meetings/{series.pk}/"))
    assert "1 / 1" in series_page


def test_edition_cannot_reuse_a_session_or_take_a_training(coordinator_client, session):
    series = MeetingSeries.objects.create(code="s", title_fr="Série")
    response = coordinator_client.post(f"/training/meetings/{series.pk}/editions/new/", {
        "number": 1, "session": session.pk, "theme": "x"})
    assert response.status_code == 200 and not series.editions.exists()
