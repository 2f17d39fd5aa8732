"""Records travel within their owner's handling code; what may not go further asks consent."""

import pytest

from pcms.audit.models import AuditEntry
from pcms.exchange import actions
from pcms.exchange.models import Message, RecordGrant, SharedRecord
from pcms.exchange.sharing import ExchangeError
from pcms.records import actions as records
from pcms.records.models import Entity
from pcms.records.visibility import can_read


def send(user, records_, recipients, **fields):
    return actions.send_message(user, subject="Fiche", body="Pour information.",
                                recipients=recipients, records=records_, **fields)


def test_owner_sends_a_record_and_the_recipient_may_then_read_it(people, person_record):
    report, person = person_record(people.ne, people.ne_chief)
    assert not can_read(people.ml, report) and not can_read(people.ml, person)
    send(people.ne, [report], ["ML"])
    assert can_read(people.ml, report) and can_read(people.ml, person)
    assert not can_read(people.bf, report)


def test_a_draft_record_never_leaves_the_platform(people):
    report = records.create_report(people.ne, {"title": "Brouillon", "category": "other",
                                               "source_reliability": "F", "credibility": "6"})
    with pytest.raises(ExchangeError, match="not validated|validé"):
        send(people.ne, [report], ["ML"])
    assert not Message.objects.exists()


def test_record_that_may_not_be_passed_on_is_refused_and_nothing_is_sent(people, person_record):
    report, person = person_record(people.ml, people.ml_chief, dissemination="named",
                                   recipients=["NE"])
    assert can_read(people.ne, person)
    with pytest.raises(ExchangeError) as refused:
        send(people.ne, [person], ["BF"])
    assert refused.value.withheld[0].record == person
    assert [p.code for p in refused.value.withheld[0].platforms] == ["BF"]
    assert not Message.objects.exists() and not RecordGrant.objects.exists()
    assert not can_read(people.bf, person)


def test_hit_notice_names_only_the_owner_and_the_reference(people, person_record):
    report, person = person_record(people.ml, people.ml_chief, dissemination="named",
                                   recipients=["NE"])
    message = send(people.ne, [report], ["BF"], notice=True)
    shared = SharedRecord.objects.get(message=message)
    assert (shared.mode, shared.owner.code, shared.reference) == ("notice", "ML", report.reference)
    assert not can_read(people.bf, report)


def test_no_notice_when_the_owner_forbids_others_to_learn_of_the_record(people, person_record):
    report, _person = person_record(people.ml, people.ml_chief, dissemination="named",
                                    recipients=["NE"], hit_notice=False)
    with pytest.raises(ExchangeError):
        send(people.ne, [report], ["BF"], notice=True)
    assert not Message.objects.exists()


def test_onward_allowed_record_goes_further(people, person_record):
    report, person = person_record(people.ml, people.ml_chief, dissemination="named",
                                   recipients=["NE"], onward_allowed=True)
    send(people.ne, [person], ["BF"])
    assert can_read(people.bf, person)


def test_consent_from_the_owner_lets_that_record_go_to_the_named_platforms(people, person_record):
    report, person = person_record(people.ml, people.ml_chief, dissemination="named",
                                   recipients=["NE"])
    consent = actions.ask_consent(people.ne, person, ["BF"], "Le suspect a franchi la frontière.")
    with pytest.raises(ExchangeError):
        send(people.ne, [person], ["BF"])  # not yet granted
    with pytest.raises(Exception, match="owner platform|propriétaire"):
        actions.decide_consent(people.ne, consent, True)
    with pytest.raises(ExchangeError, match="why|pourquoi"):
        actions.decide_consent(people.ml, consent, False)
    actions.decide_consent(people.ml_chief, consent, True)
    send(people.ne, [person], ["BF"])
    assert can_read(people.bf, person)
    with pytest.raises(ExchangeError):
        send(people.ne, [person], ["TD"])  # consent named BF only
    assert AuditEntry.objects.filter(object_id=str(consent.pk),
                                     detail__event="consent_granted").exists()


def test_sender_may_not_attach_what_it_may_not_read(people, person_record):
    report, person = person_record(people.ml, people.ml_chief)
    with pytest.raises(ExchangeError):
        send(people.ne, [person], ["BF"])
    assert not Message.objects.exists()


def test_grant_keeps_classification_and_review_rules(people, person_record):
    report, person = person_record(people.ne, people.ne_chief)
    send(people.ne, [person], ["ML"])
    person.classification = 3
    person.save()
    assert not can_read(people.ml, Entity.objects.get(pk=person.pk))
