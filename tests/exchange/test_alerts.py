"""Alerts: four eyes before broadcast, a validity period, and hits from records and screenings."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pcms.audit.models import AuditEntry
from pcms.core.models import Notification
from pcms.exchange import actions
from pcms.exchange.alerts import check_against_alerts
from pcms.exchange.inbox import inbox
from pcms.exchange.models import Alert, AlertHit, Delivery
from pcms.exchange.sharing import ExchangeError
from pcms.exchange.visibility import visible_alerts, visible_hits

WANTED = {"schema": "Person", "properties": {"name": ["Moussa Traoré"], "birthDate": ["1984-05-02"]}}


def issue(author, validator=None, **fields):
    now = timezone.now()
    alert = actions.create_alert(author, **{
        "kind": "wanted_person", "title": "Recherché pour attaque armée",
        "instructions": "Interpeller et aviser la plateforme régionale.",
        "valid_from": now - timedelta(hours=1), "valid_until": now + timedelta(days=30),
        "dissemination": "all", "schema": WANTED["schema"], "properties": WANTED["properties"],
        **fields})
    if validator is not None:
        actions.submit_alert(author, alert)
        alert = actions.validate_alert(validator, alert)
    return alert


def test_alert_is_broadcast_only_after_a_second_supervisor_validates(people):
    alert = issue(people.rg)
    assert alert not in visible_alerts(people.ne)
    actions.submit_alert(people.rg, alert)
    with pytest.raises(PermissionDenied):
        actions.validate_alert(people.rg, alert)
    alert = actions.validate_alert(people.rg_chief, alert)
    assert alert.status == "active"
    assert {d.platform.code for d in alert.deliveries.all()} == {"NE", "ML", "BF", "MR", "TD"}
    assert alert in visible_alerts(people.ne)
    assert inbox(people.ne).counts["alerts"] == 1
    delivery = alert.deliveries.get(platform__code="NE")
    actions.acknowledge(people.ne, delivery)
    assert inbox(people.ne).counts["alerts"] == 0


def test_named_alert_reaches_only_the_named_platforms(people):
    alert = issue(people.rg, people.rg_chief, dissemination="named", recipients=["NE"])
    assert alert in visible_alerts(people.ne)
    assert alert not in visible_alerts(people.ml)


def test_expired_alert_refuses_every_action(people):
    alert = issue(people.rg, people.rg_chief)
    delivery = alert.deliveries.get(platform__code="NE")
    Alert.objects.filter(pk=alert.pk).update(valid_until=timezone.now() - timedelta(minutes=1))
    alert.refresh_from_db()
    with pytest.raises(ExchangeError, match="expired|expir"):
        actions.withdraw_alert(people.rg, alert)
    with pytest.raises(ExchangeError):
        actions.acknowledge(people.ne, delivery)
    assert check_against_alerts(WANTED, platform=people.ne.platform) == []


def test_alert_already_expired_is_not_issued(people):
    now = timezone.now()
    with pytest.raises(ExchangeError) as refused:
        issue(people.rg, valid_from=now - timedelta(days=2), valid_until=now - timedelta(days=1))
    assert "valid_until" in refused.value.errors
    assert not Alert.objects.exists()


def test_validated_report_mentioning_the_wanted_person_raises_a_hit(people, person_record):
    alert = issue(people.rg, people.rg_chief)
    report, person = person_record(people.ne, people.ne_chief, name="Moussa Traore")
    hit = AlertHit.objects.get()
    assert (hit.alert, hit.entity, hit.report, hit.platform.code) == (alert, person, report, "NE")
    assert hit in visible_hits(people.rg) and hit in visible_hits(people.ne)
    assert hit not in visible_hits(people.ml)
    assert Notification.objects.filter(recipient=people.rg, level="alert").exists()
    assert Notification.objects.filter(recipient=people.ne, level="alert").exists()
    assert AuditEntry.objects.filter(object_id=str(hit.pk), detail__event="alert_hit").exists()


def test_a_different_person_raises_no_hit(people, person_record):
    issue(people.rg, people.rg_chief)
    person_record(people.ne, people.ne_chief, name="Aïchatou Soumana", birth_date="1990-01-01")
    assert not AlertHit.objects.exists()


def test_screening_is_checked_against_the_alerts_its_platform_received(people):
    issue(people.rg, people.rg_chief, dissemination="named", recipients=["NE"])
    hits = check_against_alerts({"schema": "Person", "properties": {"name": ["Mousa Traoré"],
                                                                     "birthDate": ["1984"]}},
                                platform=people.ne.platform, actor=people.ne)
    assert len(hits) == 1 and hits[0].source == "screening"
    assert check_against_alerts(WANTED, platform=people.ml.platform) == []


def test_firearm_alert_matches_on_the_serial_number(people):
    issue(people.rg, people.rg_chief, kind="firearm", schema="Firearm",
          properties={"serialNumber": ["56-1234567"], "make": ["Norinco"]})
    hits = check_against_alerts({"schema": "Firearm", "properties": {"serialNumber": ["561234567"]}},
                                platform=people.ne.platform)
    assert len(hits) == 1


def test_issuer_does_not_learn_of_a_hit_the_owner_keeps_silent(people, person_record):
    issue(people.rg, people.rg_chief)
    person_record(people.ne, people.ne_chief, hit_notice=False)
    hit = AlertHit.objects.get()
    assert hit not in visible_hits(people.rg)
    assert hit in visible_hits(people.ne)


def test_alert_of_the_wrong_type_is_refused(people):
    with pytest.raises(ExchangeError):
        issue(people.rg, kind="vehicle")
    assert not Delivery.objects.exists() and not Alert.objects.exists()


def test_alert_pages(client, people):
    from tests.conftest import page_text, sign_in

    sign_in(client, people.rg)
    response = client.post("/exchange/alerts/new/", {
        "kind": "wanted_person", "title": "Recherché", "instructions": "Interpeller.",
        "schema": "Person", "p_name": "Moussa Traoré", "p_birthDate": "1984-05-02",
        "dissemination": "all", "classification": "1",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat()})
    alert = Alert.objects.get()
    assert response["Location"] == f"/exchange/alerts/{alert.pk}/"
    client.post(f"/exchange/alerts/{alert.pk}/submit/")
    page = page_text(client.get(f"/exchange/alerts/{alert.pk}/"))
    assert "Moussa Traoré" in page and 'id="validate-alert"' not in page
