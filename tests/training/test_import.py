"""Importing a participant list: recognised officials, bad input caught, nothing imported half."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from pcms.training import services
from pcms.training.models import Official, ParticipantImport, Registration
from pcms.training.participants import ParticipantListError
from tests.conftest import page_text
from tests.training.conftest import make_official

HEADER = "nom;prénom;sexe;pays;service;fonction;courriel\n"


def csv(*lines: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "\n".join(lines) + "\n").encode())


def prepare(session, coordinator, data, filename="liste.csv"):
    return services.prepare_import(session, data, filename, actor=coordinator)


def problems(session, coordinator, data, filename="liste.csv") -> list[str]:
    with pytest.raises(ParticipantListError) as error:
        prepare(session, coordinator, data, filename)
    return [str(e) for e in error.value.errors]


def test_clean_list_registers_new_officials_with_their_details(session, coordinator):
    staged = prepare(session, coordinator, csv(
        "Maïga;Aïssata;F;Niger;Police nationale;Commissaire;a.maiga@example.org",
        "Traoré;Moussa;M;MLI;Douanes maliennes;Inspecteur;"))
    result = services.confirm_import(staged, {}, actor=coordinator)
    assert (result.created, result.recognised) == (2, 0)
    maiga = Official.objects.get(last_name="Maïga")
    assert (maiga.gender, maiga.country_id, maiga.agency_kind) == ("female", "NE", "police")
    assert Official.objects.get(last_name="Traoré").agency_kind == "customs"
    assert session.registrations.count() == 2
    assert not ParticipantImport.objects.exists()


def test_official_who_attended_before_is_recognised_and_keeps_one_history(session, coordinator):
    known = make_official("Mohamed", "Ould Abdallahi", country="MR", email="")
    staged = prepare(session, coordinator, csv(
        "Ould Abdallahi;Mohamed;M;Mauritanie;Police nationale;Analyste;m.abdallahi@example.org"))
    [row] = services.preview_rows(staged)
    assert row.known and row.known[0].official_id == known.pk
    assert ["name", "agree"] in row.known[0].why
    assert services.default_decision(row) == f"official:{known.pk}"
    result = services.confirm_import(staged, {}, actor=coordinator)
    assert (result.created, result.recognised) == (0, 1)
    assert Official.objects.count() == 1
    known.refresh_from_db()
    assert known.email == "m.abdallahi@example.org"  # a missing detail is completed
    assert known.registrations.get().session == session


def test_coordinator_may_say_a_match_is_a_different_person(session, coordinator):
    make_official("Amadou", "Diallo", country="NE")
    staged = prepare(session, coordinator, csv("Diallo;Amadou;M;NE;Gendarmerie nationale;Capitaine;"))
    [row] = services.preview_rows(staged)
    services.confirm_import(staged, {row.line: "new"}, actor=coordinator)
    assert Official.objects.filter(last_name="Diallo").count() == 2


def test_same_person_spelled_two_ways_in_one_file_is_flagged_and_must_be_decided(session, coordinator):
    staged = prepare(session, coordinator, csv(
        "Diallo;Amadou;M;ML;Police nationale;Inspecteur;",
        "Jallo;Amadu;M;ML;Police nationale;Inspecteur;",
        "Sow;Fatimata;F;ML;Douanes;Agent;"))
    rows = services.preview_rows(staged)
    assert [row.twin_line for row in rows] == [None, 2, None]
    with pytest.raises(ValidationError, match="line 2|ligne 2"):
        services.confirm_import(staged, {}, actor=coordinator)
    assert not Registration.objects.exists()
    result = services.confirm_import(staged, {3: "same:2"}, actor=coordinator)
    assert (result.created, result.merged) == (2, 1)


def test_two_people_with_close_names_can_both_be_kept(session, coordinator):
    staged = prepare(session, coordinator, csv(
        "Diallo;Amadou;M;ML;Police nationale;Inspecteur;",
        "Jallo;Amadu;M;ML;Police nationale;Inspecteur;"))
    services.confirm_import(staged, {3: "new"}, actor=coordinator)
    assert session.registrations.count() == 2


def test_exact_duplicate_line_is_refused(session, coordinator):
    errors = problems(session, coordinator, csv(
        "Cissé;Oumar;M;Mali;Police;Inspecteur;",
        "Sow;Awa;F;Mali;Police;Agent;",
        "CISSE;Oumar;M;ML;Police;Inspecteur;"))
    assert len(errors) == 1
    assert "4" in errors[0] and "2" in errors[0]
    assert not Official.objects.exists()


def test_duplicate_email_is_refused(session, coordinator):
    errors = problems(session, coordinator, csv(
        "Cissé;Oumar;M;Mali;Police;Inspecteur;o.cisse@example.org",
        "Kanté;Bakary;M;Mali;Police;Inspecteur;O.Cisse@example.org"))
    assert len(errors) == 1 and "3" in errors[0]


def test_missing_gender_unknown_country_and_bad_email_are_all_reported_at_once(
        session, coordinator, settings):
    from django.utils import translation

    with translation.override("en"):
        errors = problems(session, coordinator, csv(
            "Keïta;Salif;;Mali;Police;Inspecteur;",
            "Zongo;Awa;F;Wakanda;Police;Agent;",
            "Sawadogo;Issa;X;BF;Police;Agent;",
            "Kaboré;Rasmané;M;BF;Police;Agent;not-an-address",
            "Ouédraogo;Alima;F;BF;Police;Agent;"))
    text = "\n".join(errors)
    assert "Line 2" in text and "gender is missing" in text
    assert "Line 3" in text and "Unknown country “Wakanda”" in text
    assert "Line 4" in text and "“X” is not a gender" in text
    assert "Line 5" in text and "not an e-mail address" in text
    assert "Line 6" not in text
    assert not Official.objects.exists() and not ParticipantImport.objects.exists()


def test_missing_required_column_is_named(session, coordinator):
    from django.utils import translation

    data = io.BytesIO(b"nom;prenom;pays;service\nSow;Awa;SN;Police\n")
    with translation.override("en"):
        errors = problems(session, coordinator, data)
    assert "no column for: gender" in errors[0]


def test_xlsx_list_in_english_with_arabic_names_is_read(session, coordinator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Last name", "First name", "Gender", "Country", "Agency", "Function"])
    sheet.append(["Mahamat", "Achta", "female", "Chad", "Police nationale", "Analyste"])
    sheet.append(["الحسن", "محمد", "ذكر", "تشاد", "الدرك الوطني", "ضابط"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    staged = prepare(session, coordinator, buffer, "list.xlsx")
    rows = services.preview_rows(staged)
    assert [row.data["country"] for row in rows] == ["TD", "TD"]
    assert rows[1].data["gender"] == "male" and rows[1].data["agency_kind"] == "gendarmerie"


def test_list_larger_than_the_session_is_refused_whole(session, coordinator):
    session.capacity = 1
    session.save()
    staged = prepare(session, coordinator, csv("Sow;Awa;F;SN;Police;Agent;", "Fall;Modou;M;SN;Police;Agent;"))
    with pytest.raises(ValidationError, match="1"):
        services.confirm_import(staged, {}, actor=coordinator)
    assert not Official.objects.exists() and not Registration.objects.exists()


def test_import_pages_show_problems_then_preview_then_register(coordinator_client, session):
    url = f"/training/sessions/{session.pk}/import/"
    bad = io.BytesIO((HEADER + "Sow;Awa;;SN;Police;Agent;\n").encode())
    bad.name = "liste.csv"
    response = coordinator_client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "Rien n'a été inscrit" in page_text(response)
    good = io.BytesIO((HEADER + "Sow;Awa;F;SN;Police;Agent;\n").encode())
    good.name = "liste.csv"
    response = coordinator_client.post(url, {"file": good})
    assert response.status_code == 302
    preview = coordinator_client.get(response["Location"])
    assert "Nouvel agent" in page_text(preview)
    response = coordinator_client.post(response["Location"], {"line-2": "new"})
    assert response.status_code == 302
    assert session.registrations.get().official.last_name == "Sow"


def test_another_coordinator_cannot_see_someone_elses_import(client, make_user, session, coordinator):
    from tests.conftest import sign_in

    staged = prepare(session, coordinator, csv("Sow;Awa;F;SN;Police;Agent;"))
    other = make_user("other", "coordinator")
    sign_in(client, other)
    assert client.get(f"/training/imports/{staged.pk}/").status_code == 404
