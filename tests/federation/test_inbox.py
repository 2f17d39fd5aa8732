"""Receiving changes: signatures, addresses, replays, ownership, order and retraction."""

import uuid

import pytest

from pcms.federation import crypto, inbox, wire
from pcms.federation.choices import Outcome, Reason
from pcms.federation.keys import Identity
from pcms.federation.models import Delivery, InboxEntry, Rejection, Replica
from pcms.records.models import Entity, Link, Mention, Report, SearchToken
from tests.federation.conftest import batch, change, person_payload, report_payload

REPORT, ENTITY = "records.report", "records.entity"


def new_id() -> str:
    return str(uuid.uuid4())


def test_signed_change_from_its_owner_is_applied_read_only(remote):
    ml = remote("ML")
    report_id, person_id = new_id(), new_id()
    frames = [change(ml, REPORT, report_id, report_payload("ML", "ML-2026-000001",
                                                          [(person_id, "suspect")])),
              change(ml, ENTITY, person_id, person_payload("ML", report_id, "Oumar Cissé Test",
                                                          [(report_id, "suspect")]))]
    receipt = inbox.receive(batch(ml, frames))
    assert receipt.outcomes == {Outcome.APPLIED: 2}
    report = Report.objects.get(pk=report_id)
    assert report.owner.code == "ML" and report.reference == "ML-2026-000001"
    person = Entity.objects.get(pk=person_id)
    assert person.owner.code == "ML" and person.caption == "Oumar Cissé Test"
    assert Mention.objects.filter(report=report, entity=person, role="suspect").exists()
    assert SearchToken.objects.filter(entity=person, token="cisse").exists()


def test_tampered_change_is_refused_and_logged(remote):
    ml = remote("ML")
    good = change(ml, REPORT, new_id(), report_payload("ML", "ML-2026-000002"))
    tampered = wire.Frame(good.targets, good.body.replace(b"Passage", b"Passaje"), good.signature)
    receipt = inbox.receive(batch(ml, [tampered]))
    assert receipt.outcomes == {Reason.UNSIGNED: 1}
    assert not Report.objects.exists()
    assert Rejection.objects.get().reason == Reason.UNSIGNED


def test_change_signed_by_another_node_than_its_origin_is_refused(remote):
    remote("ML")
    bf = remote("BF")
    body = wire.Change(new_id(), "ML", REPORT, new_id(), 1, "create", ("NE",),
                       report_payload("ML", "ML-2026-000003")).encode()
    receipt = inbox.receive(batch(bf, [wire.Frame(("NE",), body, bf.sign(body))]))
    assert receipt.outcomes == {Reason.UNSIGNED: 1}
    assert not Report.objects.exists()


def test_batch_from_a_stranger_or_altered_in_transit_is_refused(remote, node):
    ml = remote("ML")
    outsider = Identity.generate("BF")  # a key pair no administrator registered
    with pytest.raises(wire.WireError) as refused:
        inbox.receive(batch(outsider, [change(outsider, REPORT, new_id(), {})]))
    assert refused.value.reason == Reason.UNKNOWN_SENDER
    data = bytearray(batch(ml, [change(ml, REPORT, new_id(), report_payload("ML", "ML-1"))]))
    data[len(data) // 2] ^= 0x01
    with pytest.raises(wire.WireError) as refused:
        inbox.receive(bytes(data))
    assert refused.value.reason == Reason.UNSIGNED
    assert {r.reason for r in Rejection.objects.all()} == {Reason.UNKNOWN_SENDER, Reason.UNSIGNED}


def test_unsigned_batch_is_refused(remote):
    ml = remote("ML")
    data = batch(ml, [change(ml, REPORT, new_id(), report_payload("ML", "ML-1"))])
    with pytest.raises(wire.WireError) as refused:
        inbox.receive(data[:-64] + bytes(64))
    assert refused.value.reason == Reason.UNSIGNED


def test_batch_for_another_node_is_refused(remote, node):
    ml = remote("ML")
    frames = [change(ml, REPORT, new_id(), report_payload("ML", "ML-1"))]
    data = wire.seal_batch(ml, "BF", crypto.public_bytes(node.box), frames)
    with pytest.raises(wire.WireError) as refused:
        inbox.receive(data)
    assert refused.value.reason == Reason.MISADDRESSED


def test_change_whose_audience_leaves_this_node_out_is_refused(remote):
    ml = remote("ML")
    frame = change(ml, REPORT, new_id(), report_payload("ML", "ML-1"), audience=("RG",))
    assert inbox.receive(batch(ml, [frame])).outcomes == {Reason.MISADDRESSED: 1}
    assert not Report.objects.exists()


def test_replayed_change_does_nothing_and_is_logged(remote):
    ml = remote("ML")
    report_id = new_id()
    frame = change(ml, REPORT, report_id, report_payload("ML", "ML-1"))
    inbox.receive(batch(ml, [frame]))
    Report.objects.filter(pk=report_id).update(title="changed here")
    receipt = inbox.receive(batch(ml, [frame]))
    assert receipt.outcomes == {Reason.REPLAYED: 1}
    assert Report.objects.get(pk=report_id).title == "changed here"
    assert InboxEntry.objects.count() == 1
    assert Rejection.objects.get().reason == Reason.REPLAYED


def test_only_the_owner_changes_a_record(remote, validated_report):
    ml, bf = remote("ML"), remote("BF")
    own = validated_report()
    frame = change(ml, REPORT, str(own.pk), report_payload("ML", own.reference, title="taken"))
    assert inbox.receive(batch(ml, [frame])).outcomes == {Reason.NOT_OWNER: 1}
    assert Report.objects.get(pk=own.pk).owner.code == "NE"
    report_id = new_id()
    inbox.receive(batch(ml, [change(ml, REPORT, report_id, report_payload("ML", "ML-1"))]))
    frame = change(bf, REPORT, report_id, report_payload("BF", "ML-1", title="taken"), version=2)
    assert inbox.receive(batch(bf, [frame])).outcomes == {Reason.NOT_OWNER: 1}
    assert Report.objects.get(pk=report_id).title != "taken"


def test_changes_apply_in_version_order_whatever_order_they_arrive_in(remote):
    ml = remote("ML")
    report_id = new_id()
    newer = change(ml, REPORT, report_id, report_payload("ML", "ML-1", title="second"),
                   version=2, op="update")
    older = change(ml, REPORT, report_id, report_payload("ML", "ML-1", title="first"))
    receipt = inbox.receive(batch(ml, [newer, older]))
    assert receipt.outcomes == {Outcome.APPLIED: 1, Outcome.SUPERSEDED: 1}
    assert Report.objects.get(pk=report_id).title == "second"
    assert Replica.objects.get(record_id=report_id).version == 2


def test_retraction_removes_the_record_and_its_index_and_an_old_copy_cannot_return(remote):
    ml = remote("ML")
    report_id, person_id, vehicle_id, link_id = new_id(), new_id(), new_id(), new_id()
    vehicle = {"schema": "Vehicle", "properties": {"registrationNumber": ["AB-123-CD"]},
               "origin": report_id, "handling": person_payload("ML", None, "x")["handling"],
               "mentions": []}
    ownership = {**vehicle, "schema": "Ownership",
                 "properties": {"owner": [person_id], "asset": [vehicle_id]}}
    created = [change(ml, REPORT, report_id, report_payload("ML", "ML-1", [(person_id, "suspect")])),
               change(ml, ENTITY, person_id, person_payload("ML", report_id, "Awa Traoré Test",
                                                           [(report_id, "suspect")])),
               change(ml, ENTITY, vehicle_id, vehicle),
               change(ml, ENTITY, link_id, ownership)]
    inbox.receive(batch(ml, created))
    assert Link.objects.filter(via_id=link_id).count() == 1
    retractions = [change(ml, ENTITY, i, None, version=2, op="retract")
                   for i in (person_id, vehicle_id, link_id)]
    retractions.append(change(ml, REPORT, report_id, None, version=2, op="retract"))
    inbox.receive(batch(ml, retractions))
    assert not Report.objects.exists() and not Entity.objects.exists()
    assert not Link.objects.exists() and not Mention.objects.exists()
    assert not SearchToken.objects.exists()
    assert all(r.retracted for r in Replica.objects.all())
    replayed = change(ml, REPORT, report_id, report_payload("ML", "ML-1"))  # new id, old version
    assert inbox.receive(batch(ml, [replayed])).outcomes == {Outcome.SUPERSEDED: 1}
    assert not Report.objects.exists()


def test_entity_before_its_report_waits_for_it(remote):
    ml = remote("ML")
    report_id, person_id = new_id(), new_id()
    early = change(ml, ENTITY, person_id, person_payload("ML", report_id, "Fanta Keïta Test",
                                                        [(report_id, "victim")]))
    assert inbox.receive(batch(ml, [early])).outcomes == {Outcome.WAITING: 1}
    assert not Entity.objects.exists()
    late = change(ml, REPORT, report_id, report_payload("ML", "ML-1", [(person_id, "victim")]))
    inbox.receive(batch(ml, [late]))
    person = Entity.objects.get(pk=person_id)
    assert person.origin_id is not None
    assert Mention.objects.filter(entity=person, report_id=report_id, role="victim").exists()
    assert InboxEntry.objects.get(record_id=person_id).body is None


def test_relay_forwards_what_is_addressed_beyond_it_and_applies_only_its_own(remote):
    ml = remote("ML")
    remote("BF", url="http://127.0.0.1:9")
    report_id = new_id()
    frame = change(ml, REPORT, report_id, report_payload("ML", "ML-1"), audience=("BF",),
                   targets=("BF",))
    assert inbox.receive(batch(ml, [frame])).outcomes == {Outcome.RELAYED: 1}
    assert not Report.objects.exists()
    delivery = Delivery.objects.get()
    assert delivery.peer.code == "BF" and delivery.targets == ["BF"]
    assert bytes(delivery.change.body) == frame.body


def test_relay_never_sends_a_change_back_to_its_origin_or_sender(remote):
    ml = remote("ML", url="http://127.0.0.1:9")
    frame = change(ml, REPORT, new_id(), report_payload("ML", "ML-1"), audience=("NE", "ML"),
                   targets=("NE", "ML"))
    inbox.receive(batch(ml, [frame]))
    assert not Delivery.objects.exists()


def test_purpose_and_review_date_travel_with_reports_and_entities(remote, validated_report):
    from pcms.federation.records import serialize_entity, serialize_report
    from pcms.reference.models import Purpose

    own = validated_report()
    kept_for, _created = Purpose.objects.get_or_create(
        code="threat-analysis", defaults={"name_fr": "Analyse de la menace",
                                          "name_en": "Threat analysis"})
    Report.objects.filter(pk=own.pk).update(review_due="2031-01-31", purpose=kept_for)
    own = Report.objects.get(pk=own.pk)
    sent = serialize_report(own)
    assert sent["purpose"]["code"] == own.purpose.code
    assert sent["handling"]["review_due"] == "2031-01-31"
    person = own.mentions.get().entity
    Entity.objects.filter(pk=person.pk).update(review_due="2030-06-30")
    assert serialize_entity(Entity.objects.get(pk=person.pk))["handling"]["review_due"] == "2030-06-30"

    ml = remote("ML")
    report_id, person_id = new_id(), new_id()
    purpose = {"code": "ml-border-watch", "legal_basis": "Loi fictive de test",
               "name": {"fr": "Veille frontalière", "en": "Border watch", "ar": "مراقبة الحدود"}}
    report = report_payload("ML", "ML-2026-000010", [(person_id, "suspect")], purpose=purpose)
    report["handling"]["review_due"] = "2029-03-01"
    entity = person_payload("ML", report_id, "Issa Maïga Test", [(report_id, "suspect")])
    entity["handling"]["review_due"] = "2028-12-31"
    inbox.receive(batch(ml, [change(ml, REPORT, report_id, report),
                             change(ml, ENTITY, person_id, entity)]))
    copy = Report.objects.get(pk=report_id)
    assert copy.purpose.code == "ml-border-watch" and copy.purpose.name_en == "Border watch"
    assert not copy.purpose.is_active  # the owner's purpose, not offered for this node's records
    assert str(copy.review_due) == "2029-03-01"
    assert str(Entity.objects.get(pk=person_id).review_due) == "2028-12-31"
    known = kept_for
    again = report_payload("ML", "ML-2026-000011", purpose={"code": known.code, "name": {}})
    other_id = new_id()
    inbox.receive(batch(ml, [change(ml, REPORT, other_id, again)]))
    assert Report.objects.get(pk=other_id).purpose == known


def test_many_entities_of_a_batch_are_applied_together_with_links_words_and_mentions(remote):
    ml = remote("ML")
    report_id = new_id()
    people = [new_id() for _ in range(30)]
    vehicle_id, ownership_id = new_id(), new_id()
    handling = person_payload("ML", None, "x")["handling"]
    frames = [change(ml, ENTITY, ownership_id, {
                  "schema": "Ownership", "properties": {"owner": [people[0]], "asset": [vehicle_id]},
                  "origin": report_id, "handling": handling, "mentions": []}),
              change(ml, REPORT, report_id, report_payload("ML", "ML-2026-000020"))]
    frames += [change(ml, ENTITY, person_id, person_payload(
        "ML", report_id, f"Personne Fictive {number}", [(report_id, "suspect")]))
        for number, person_id in enumerate(people)]
    frames.append(change(ml, ENTITY, vehicle_id, {
        "schema": "Vehicle", "properties": {"registrationNumber": ["T-0042"]},
        "origin": report_id, "handling": handling, "mentions": [[report_id, "vehicle_used"]]}))
    receipt = inbox.receive(batch(ml, frames))
    assert receipt.outcomes == {Outcome.WAITING: 1, Outcome.APPLIED: 32}  # the relation first
    assert InboxEntry.objects.filter(outcome=Outcome.APPLIED).count() == 33  # then once its report came
    assert Entity.objects.count() == 32
    assert Mention.objects.filter(report_id=report_id).count() == 31
    assert SearchToken.objects.filter(entity_id=people[7], token="fictive").exists()
    assert Link.objects.filter(via_id=ownership_id, source_id=people[0],
                               target_id=vehicle_id).count() == 1
    renamed = change(ml, ENTITY, people[7], person_payload("ML", report_id, "Autre Nom Test"),
                     version=2, op="update")
    inbox.receive(batch(ml, [renamed]))
    assert not SearchToken.objects.filter(entity_id=people[7], token="fictive").exists()
    assert Entity.objects.get(pk=people[7]).caption == "Autre Nom Test"
