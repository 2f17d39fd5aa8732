import json

import pytest
from django.core.management import call_command
from django.test import TestCase

from pcms.accounts.models import ApiToken
from pcms.audit.models import AuditEntry
from pcms.core.models import Notification
from pcms.records import actions
from pcms.reference.models import Purpose
from pcms.screening.models import DuplicateProposal, Hit, PairDecision, Screening
from tests.conftest import page_text, sign_in

BORDER = "border-control"


def validated(author, validator, people, *, dissemination="all", classification=1,
              hit_notice=True, schema="Person"):
    report = actions.create_report(author, {
        "title": "Contrôle", "category": "terrorism", "source_reliability": "B", "credibility": "2",
        "dissemination": dissemination, "classification": classification, "hit_notice": hit_notice})
    # Matching and indexing run once a change commits, as in production.
    with TestCase.captureOnCommitCallbacks(execute=True):
        entities = [actions.add_entity(author, report, schema, p, role="suspect") for p in people]
        actions.submit(author, report)
        actions.validate(validator, report)
    return report, entities


@pytest.fixture
def niger(make_user):
    return make_user("officer-ne", "officer"), make_user("chief-ne", "supervisor")


@pytest.fixture
def mali(make_user):
    return (make_user("officer-ml", "officer", platform="ML"),
            make_user("chief-ml", "supervisor", platform="ML"))


def screen_page(client, **fields):
    data = {"schema": "Person", "purpose": Purpose.objects.get(code=BORDER).pk,
            "reason": "Contrôle au poste d'Ayorou", **fields}
    return client.post("/screening/", data)


def test_screening_finds_latin_record_from_arabic_query_and_says_hit(client, niger, mali):
    validated(*niger, [{"name": ["Mohamed Ould Abdallahi"], "birthDate": ["1985-03-07"],
                        "nationality": ["mr"]}])
    sign_in(client, mali[0])
    page = page_text(screen_page(client, name="محمد ولد عبد الله", birth_date="1985"))
    assert 'data-outcome="hit"' in page
    assert "Mohamed Ould Abdallahi" in page


def test_no_hit_is_said_plainly(client, niger, mali):
    validated(*niger, [{"name": ["Mohamed Ould Abdallahi"], "birthDate": ["1985-03-07"]}])
    sign_in(client, mali[0])
    page = page_text(screen_page(client, name="Fatimata Traoré", birth_date="1990-01-01"))
    assert 'data-outcome="no-hit"' in page
    assert "Mohamed" not in page


def test_namesake_with_other_birth_date_and_nationality_is_no_hit(client, niger, mali):
    validated(*niger, [{"name": ["Mamadou Diallo"], "birthDate": ["1971-06-02"],
                        "nationality": ["gn"]}])
    sign_in(client, mali[0])
    page = page_text(screen_page(client, name="Mamadou Diallo", birth_date="1994-11-20",
                                 nationality="ml"))
    assert 'data-outcome="no-hit"' in page


def test_record_above_clearance_only_says_a_hit_exists_and_whom_to_contact(client, niger, mali):
    author, chief = niger
    for user in niger:
        user.clearance = 3
        user.save()
    validated(author, chief, [{"name": ["Aliou Maïga"], "birthDate": ["1979-02-14"]}],
              classification=3)
    sign_in(client, mali[0])
    response = screen_page(client, name="Aliou Maiga", birth_date="1979-02-14")
    page = page_text(response)
    assert 'data-disclosure="hit_only"' in page
    assert "Aliou" not in page.split('id="screening-results"')[1]
    assert "NE" in page


def test_owner_can_withhold_even_the_hit(client, niger, mali):
    author, chief = niger
    validated(author, chief, [{"name": ["Aliou Maïga"], "birthDate": ["1979-02-14"]}],
              dissemination="own", hit_notice=False)
    sign_in(client, mali[0])
    page = page_text(screen_page(client, name="Aliou Maiga", birth_date="1979-02-14"))
    assert 'data-outcome="no-hit"' in page and "data-candidate" not in page


def test_every_screening_is_audited_with_its_purpose(client, niger, mali):
    sign_in(client, mali[0])
    screen_page(client, name="Hama Issoufou")
    screening = Screening.objects.get()
    assert screening.user == mali[0] and screening.purpose.code == BORDER
    assert screening.reason == "Contrôle au poste d'Ayorou"
    entry = AuditEntry.objects.get(action="search", object_id=str(screening.pk))
    assert entry.detail["purpose"] == BORDER


@pytest.mark.parametrize("fields", [{"name": ""}, {"name": "A", "birth_date": "0000-00-00"},
                                    {"name": "😀" * 5}, {"name": "x" * 300}])
def test_bad_input_gets_a_clear_answer_not_a_crash(client, mali, fields):
    sign_in(client, mali[0])
    response = screen_page(client, **fields)
    assert response.status_code == 200
    page = page_text(response)
    assert 'data-outcome="hit"' not in page


def test_validated_arabic_record_raises_a_hit_on_another_platforms_latin_record(niger, mali):
    validated(*niger, [{"name": ["Mohamed Ould Abdallahi"], "birthDate": ["1985-03-07"],
                        "nationality": ["mr"]}])
    _report, (arabic,) = validated(*mali, [{"name": ["محمد ولد عبد الله"], "birthDate": ["1985"],
                                            "nationality": ["mr"]}])
    hit = Hit.objects.get(entity=arabic)
    assert hit.candidate.caption == "Mohamed Ould Abdallahi"
    assert hit.candidate.owner.code == "NE"
    assert {n.recipient.username for n in Notification.objects.all()} == {"officer-ml", "officer-ne"}
    assert {item["code"] for item in hit.explanation} >= {"name", "birth_date"}


def test_duplicates_within_a_platform_are_proposed_and_decisions_respected(client, niger):
    author, chief = niger
    validated(author, chief, [{"name": ["Moussa Ag Intalla"], "birthDate": ["1988-04-12"]}])
    _r, (second,) = validated(author, chief, [{"name": ["INTALLA Moussa Ag"],
                                               "birthDate": ["1988-04-12"]}])
    proposal = DuplicateProposal.objects.get()
    sign_in(client, chief)
    client.post(f"/screening/duplicates/{proposal.pk}/", {"decision": "reject"})
    assert PairDecision.objects.count() == 1
    validated(author, chief, [{"name": ["Moussa Ag Intalla"], "birthDate": ["1988-04-12"]}])
    pairs = {(p.first_id, p.second_id) for p in DuplicateProposal.objects.filter(status="pending")}
    decided = (proposal.first_id, proposal.second_id)
    assert decided not in pairs and len(pairs) == 2


def test_confirmed_duplicate_merges_keeping_both_spellings_and_mentions(client, niger):
    author, chief = niger
    first_report, (first,) = validated(author, chief, [{"name": ["Moussa Ag Intalla"],
                                                        "birthDate": ["1988-04-12"]}])
    second_report, _ = validated(author, chief, [{"name": ["Mousa Ag Intala"],
                                                  "birthDate": ["1988-04-12"]}])
    proposal = DuplicateProposal.objects.get()
    sign_in(client, chief)
    response = client.post(f"/screening/duplicates/{proposal.pk}/", {"decision": "merge"})
    keep = proposal.first
    keep.refresh_from_db()
    assert response["Location"] == f"/records/entities/{keep.pk}/"
    assert set(keep.properties["name"]) == {"Moussa Ag Intalla", "Mousa Ag Intala"}
    assert set(keep.mentions.values_list("report", flat=True)) == {first_report.pk, second_report.pk}


def test_api_screen_applies_the_same_rules(client, niger, mali):
    validated(*niger, [{"name": ["Mohamed Ould Abdallahi"], "birthDate": ["1985-03-07"]}])
    _token, key = ApiToken.issue(mali[0])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}
    response = client.post("/api/v1/screen", {
        "schema": "Person", "properties": {"name": ["MOHAMEDOU O. ABDELLAHI"],
                                           "birthDate": ["07/03/1985"]},
        "purpose": BORDER, "reason": "Contrôle"}, **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["hit"] and body["candidates"][0]["caption"] == "Mohamed Ould Abdallahi"
    bad = client.post("/api/v1/screen", {"schema": "Person", "properties": {"name": ["x"]},
                                         "purpose": "nope", "reason": "Contrôle"}, **headers)
    assert bad.status_code == 422 and "purpose" in bad.json()["detail"]


def test_command_line_screening(niger, mali, capsys):
    validated(*niger, [{"name": ["Mohamed Ould Abdallahi"], "birthDate": ["1985-03-07"]}])
    call_command("screen", "--user", "officer-ml", "--purpose", BORDER, "--reason", "Contrôle",
                 "--name", "Muhammad Ould Abdullah", "--birth-date", "1985", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["hit"] and result["candidates"][0]["owner"] == "NE"


def test_index_rebuild_finds_every_record(niger, mali, capsys):
    validated(*niger, [{"name": ["Aïssata Soumana"]}, {"name": ["Boubacar Cissé"]}])
    call_command("matching", "rebuild")
    assert "2 records" in capsys.readouterr().out


def test_screening_hits_an_active_alert_and_says_so(client, make_user, mali):
    from datetime import timedelta

    from django.utils import timezone

    from pcms.exchange import actions as exchange

    analyst, chief = make_user("analyst-rg", "analyst", platform="RG"), make_user(
        "chief-rg", "supervisor", platform="RG")
    now = timezone.now()
    alert = exchange.create_alert(
        analyst, kind="wanted_person", title="Recherché", instructions="Aviser RG.",
        valid_from=now - timedelta(hours=1), valid_until=now + timedelta(days=30),
        dissemination="all", schema="Person",
        properties={"name": ["Moussa Traoré"], "birthDate": ["1984-05-02"]})
    exchange.submit_alert(analyst, alert)
    exchange.validate_alert(chief, alert)
    sign_in(client, mali[0])
    page = page_text(screen_page(client, name="TRAORE Moussa", birth_date="02/05/1984"))
    assert "data-alert-hit" in page and 'data-outcome="hit"' in page
    _token, key = ApiToken.issue(mali[0])
    body = client.post("/api/v1/screen", {
        "schema": "Person", "properties": {"name": ["Mousa Traore"], "birthDate": ["1984"]},
        "purpose": BORDER, "reason": "Contrôle"}, HTTP_AUTHORIZATION=f"Bearer {key}",
        content_type="application/json").json()
    assert body["hit"] and body["alerts"][0]["kind"] == "wanted_person"


def test_screening_finds_a_phone_by_number_and_a_firearm_by_serial_number(client, niger, mali):
    validated(*niger, [{"number": ["+227 96 12 34 56"], "imei": ["352099001761481"]}], schema="Phone")
    validated(*niger, [{"serialNumber": ["KA-1234567"], "make": ["Kalashnikov"]}], schema="Firearm")
    sign_in(client, mali[0])
    page = page_text(screen_page(client, schema="Phone", line_number="+22796123456"))
    assert 'data-outcome="hit"' in page
    page = page_text(screen_page(client, schema="Firearm", serial_number="ka 1234567", make="KALASHNIKOV"))
    assert 'data-outcome="hit"' in page
    page = page_text(screen_page(client, schema="Firearm", serial_number="ZX9999999", make="Glock"))
    assert 'data-outcome="hit"' not in page
