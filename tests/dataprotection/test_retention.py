from datetime import timedelta

from django.utils import timezone

from pcms.accounts.models import ApiToken
from pcms.core.models import Notification
from pcms.dataprotection import actions as dp_actions
from pcms.dataprotection.models import RetentionRule, Review
from pcms.dataprotection.tasks import notify_reviews
from pcms.records.models import Entity, Report
from pcms.screening import nodeindex, services
from pcms.screening.models import Hit
from tests.conftest import page_text, sign_in

from .conftest import purpose, validated

PERSON = {"name": ["Moussa Ag Intalla"], "birthDate": ["1984-05-02"], "nationality": ["ml"]}
YEARS = 365


def test_default_rules_keep_a_suspect_five_years_a_victim_three_and_a_witness_two(db):
    rules = {(r.category, r.role): r.review_after_days for r in RetentionRule.objects.all()}
    assert rules == {("", "suspect"): 1826, ("", "victim"): 1096, ("", "witness"): 730,
                     ("", ""): 1826}


def test_review_dates_follow_the_role_of_each_person(niger):
    officer, chief, _dpo = niger
    report, (suspect,) = validated(officer, chief, [PERSON])
    _other, (witness,) = validated(officer, chief, [{"name": ["Aïchatou Soumana"]}], role="witness")
    today = timezone.localdate()
    suspect.refresh_from_db()
    witness.refresh_from_db()
    report.refresh_from_db()
    assert suspect.review_due == today + timedelta(days=1826)
    assert witness.review_due == today + timedelta(days=730)
    assert report.review_due == today + timedelta(days=1826)


def test_a_specific_rule_wins_and_an_entity_lasts_as_long_as_its_longest_mention(niger):
    officer, chief, _dpo = niger
    RetentionRule.objects.create(category="kidnapping", role="witness", review_after_days=100)
    _report, (person,) = validated(officer, chief, [PERSON], role="witness")
    person.refresh_from_db()
    assert person.review_due == timezone.localdate() + timedelta(days=100)
    second = validated(officer, chief, [], category="terrorism")[0]
    from pcms.records import actions

    actions.update_report(officer, second, {"title": "Complément"}, reason="ajout d'un suspect")
    actions.mention(officer, second, person, "suspect")
    actions.validate(chief, second)
    person.refresh_from_db()
    assert person.review_due == timezone.localdate() + timedelta(days=1826)


def test_record_past_its_review_date_disappears_from_searches_and_matching(
        client, niger, mali, time_passes):
    officer, chief, dpo = niger
    report, (person,) = validated(officer, chief, [PERSON])
    nodeindex.put(person)
    query = {"schema": "Person", "properties": {"name": ["Moussa Ag Intalla"],
                                                "birthDate": ["1984-05-02"]}}
    _screening, before = services.screen(mali[0], query, purpose("border-control"))
    assert [c.entity.pk for c in before] == [person.pk]

    time_passes(6 * YEARS)

    sign_in(client, officer)
    assert "Intalla" not in page_text(client.get("/records/search/?q=Moussa"))
    assert "Intalla" not in page_text(client.get("/records/entities/"))
    assert client.get(f"/records/entities/{person.pk}/").status_code == 404
    assert client.get(f"/records/reports/{report.pk}/").status_code == 404
    _token, key = ApiToken.issue(mali[2])
    listing = client.get("/api/v1/records/entities?q=Moussa", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert listing.json()["count"] == 0
    _screening, after = services.screen(mali[0], query, purpose("border-control"))
    assert after == []
    newer, _entities = validated(mali[0], mali[1], [PERSON])
    assert services.match_report(newer) == []
    assert not Hit.objects.filter(candidate=person).exists()


def test_owner_dpo_still_sees_a_record_past_review_and_others_do_not(client, niger, make_user,
                                                                     time_passes):
    officer, chief, dpo = niger
    report, (person,) = validated(officer, chief, [PERSON])
    time_passes(6 * YEARS)
    sign_in(client, dpo)
    assert client.get(f"/records/entities/{person.pk}/").status_code == 200
    queue = page_text(client.get("/dataprotection/review/"))
    assert report.reference in queue and "Moussa Ag Intalla" in queue
    client.logout()
    sign_in(client, make_user("dpo-ml", "dpo", platform="ML"))
    assert client.get(f"/records/entities/{person.pk}/").status_code == 404


def test_owner_extends_a_record_with_a_reason_and_it_is_back(client, niger, time_passes):
    officer, chief, dpo = niger
    report, (person,) = validated(officer, chief, [PERSON])
    time_passes(6 * YEARS)
    sign_in(client, dpo)
    new_due = timezone.localdate() + timedelta(days=365)
    refused = client.post(f"/dataprotection/review/entity/{person.pk}/",
                          {"decision": "extend", "new_due": new_due.isoformat(), "reason": ""})
    assert refused.status_code == 200
    response = client.post(f"/dataprotection/review/entity/{person.pk}/", {
        "decision": "extend", "new_due": new_due.isoformat(),
        "reason": "Enquête judiciaire toujours ouverte"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.review_due == new_due
    review = Review.objects.get(record_id=str(person.pk))
    assert review.outcome == "extended" and review.reason == "Enquête judiciaire toujours ouverte"
    client.logout()
    sign_in(client, officer)
    assert client.get(f"/records/entities/{person.pk}/").status_code == 200


def test_an_extension_goes_at_most_one_review_period_ahead(niger):
    officer, chief, dpo = niger
    _report, (person,) = validated(officer, chief, [PERSON])
    from pcms.records.actions import RecordError

    too_far = timezone.localdate() + timedelta(days=1826 + 10)
    try:
        dp_actions.extend_review(dpo, person, too_far, "toujours utile")
    except RecordError as error:
        assert "new_due" in error.errors
    else:
        raise AssertionError("an extension beyond one period was accepted")


def test_officers_see_what_comes_due_and_the_daily_notice_tells_supervisors_and_dpo(
        client, niger, time_passes):
    officer, chief, dpo = niger
    report, _entities = validated(officer, chief, [PERSON], role="witness")
    time_passes(730 - 30)
    assert notify_reviews() == 2
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "chief-ne", "dpo-ne"}
    sign_in(client, officer)
    assert report.reference in page_text(client.get("/dataprotection/review/"))


def test_nobody_else_reviews_and_an_officer_cannot_delete(client, niger, mali):
    officer, chief, dpo = niger
    report, (person,) = validated(officer, chief, [PERSON])
    sign_in(client, mali[0])
    assert client.get(f"/dataprotection/review/report/{report.pk}/").status_code == 404
    client.logout()
    sign_in(client, officer)
    page = client.get(f"/dataprotection/review/report/{report.pk}/")
    assert page.status_code == 200 and 'id="delete-form"' not in page.content.decode()
    client.post(f"/dataprotection/review/report/{report.pk}/",
                {"decision": "delete", "reason": "x", "confirm": "on"})
    assert Report.objects.filter(pk=report.pk).exists()
    assert Entity.objects.filter(pk=person.pk).exists()
