"""Publishing: who gets which change, sealed copies for relays, retraction when access narrows."""

import json

import pytest

from pcms.audit.models import AuditEntry
from pcms.federation import crypto, outbox, wire
from pcms.federation.choices import Op
from pcms.federation.models import Delivery, OutboxChange, Shared
from pcms.records import actions
from pcms.records.models import Report
from pcms.reference.models import Platform


@pytest.fixture
def network(remote):
    """NE reaches RG directly and every other national platform through RG."""
    rg = remote("RG", url="http://127.0.0.1:9")
    others = {code: remote(code, via="RG") for code in ("MR", "ML", "BF", "TD")}
    return {"RG": rg, **others}


def changes_of(record) -> list[OutboxChange]:
    return list(OutboxChange.objects.filter(record_id=str(record.pk)).order_by("id"))


def test_validated_report_goes_to_every_platform_through_the_hub(network, validated_report,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = validated_report()
    [change] = changes_of(report)
    assert change.op == Op.CREATE and change.version == 1
    assert change.audience == ["BF", "ML", "MR", "RG", "TD"]
    [delivery] = Delivery.objects.filter(change=change)
    assert delivery.peer.code == "RG" and delivery.targets == ["BF", "ML", "MR", "RG", "TD"]
    person = report.mentions.get().entity
    assert changes_of(person)[0].audience == change.audience
    body = wire.Change.decode(bytes(change.body))
    assert body.payload["reference"] == report.reference
    assert body.payload["mentions"] == [[str(person.pk), "suspect"]]


def test_what_is_not_validated_or_kept_to_its_owner_never_leaves(network, new_report, make_user,
                                                                 django_capture_on_commit_callbacks):
    author, chief = make_user("author-ne", "officer"), make_user("chief-ne", "supervisor")
    with django_capture_on_commit_callbacks(execute=True):
        draft = new_report(author)
        own = new_report(author, dissemination="own")
        actions.submit(author, own)
        actions.validate(chief, own)
    assert outbox.publish(draft) == []
    assert not OutboxChange.objects.exists()


def test_named_recipient_behind_a_relay_gets_a_copy_the_relay_cannot_read(
        network, validated_report, django_capture_on_commit_callbacks, node):
    with django_capture_on_commit_callbacks(execute=True):
        report = validated_report(dissemination="named", recipients=("ML",))
    [change] = changes_of(report)
    decoded = wire.Change.decode(bytes(change.body))
    assert decoded.sealed_for == "ML" and decoded.payload is None
    assert b"Passage suspect" not in bytes(change.body)
    [delivery] = change.deliveries.all()
    assert delivery.peer.code == "RG" and delivery.targets == ["ML"]
    with pytest.raises(wire.WireError):
        wire.open_payload(network["RG"], decoded)
    assert wire.open_payload(network["ML"], decoded)["reference"] == report.reference


def test_publishing_the_same_state_twice_writes_nothing(network, validated_report,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = validated_report()
    count = OutboxChange.objects.count()
    assert outbox.publish(report) == [] and outbox.reconcile() == 0
    assert OutboxChange.objects.count() == count


def test_correction_retracts_everywhere_until_validated_again_with_narrower_handling(
        network, validated_report, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = validated_report()
    author = report.created_by
    ml = Platform.objects.get(code="ML")
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_report(author, report, {"dissemination": "named"}, recipients=[ml],
                              reason="Restreint au Mali")
    retract = changes_of(report)[-1]
    assert retract.op == Op.RETRACT and retract.version == 2
    assert retract.audience == ["BF", "ML", "MR", "RG", "TD"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.validate(make_user("second-chief", "supervisor"), report)
    again = changes_of(report)[-1]
    assert again.op == Op.CREATE and again.version == 3 and again.audience == ["ML"]
    assert Shared.objects.get(record_id=str(report.pk)).audience == ["ML"]


def test_retract_record_withdraws_and_deletes_leaving_an_audit_trace(
        network, validated_report, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = validated_report()
    person = report.mentions.get().entity
    dpo = make_user("dpo-ne", "dpo")
    changes = outbox.retract_record(report, "Demande d'effacement", dpo)
    assert [c.op for c in changes] == [Op.RETRACT, Op.RETRACT]
    assert {c.record_id for c in changes} == {str(report.pk), str(person.pk)}
    assert not Report.objects.filter(pk=report.pk).exists()
    entry = AuditEntry.objects.filter(object_id=str(report.pk), action="delete").get()
    assert entry.detail["reason"] == "Demande d'effacement"
    assert "Passage" not in json.dumps(entry.detail)


def test_reconcile_publishes_what_a_crash_left_out(network, validated_report):
    report = validated_report()  # its transaction never commits: no publication ran
    assert not OutboxChange.objects.exists()
    assert outbox.reconcile() == 2
    assert changes_of(report)[0].op == Op.CREATE


def test_a_batch_keeps_its_bytes_until_acknowledged_and_holds_changes_in_order(
        network, validated_report, node):
    validated_report()
    outbox.reconcile()
    rg = network["RG"].code
    peer = Delivery.objects.first().peer
    first = outbox.next_batch(peer)
    assert first.count == 2 and outbox.next_batch(peer).sha256 == first.sha256
    opened = wire.open_batch(bytes(first.data), network[rg],
                             lambda code: crypto.public_bytes(node.signing) if code == "NE" else None)
    assert [wire.Change.decode(f.body).record_type for f in opened.frames] == [
        "records.report", "records.entity"]
    outbox.acknowledge(first)
    assert outbox.next_batch(peer) is None
    assert not outbox.pending(peer).exists()


def test_a_peer_added_later_gets_the_last_changes_without_new_versions(
        remote, validated_report, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = validated_report()
    assert not Delivery.objects.exists()
    remote("RG", url="http://127.0.0.1:9")
    assert outbox.republish_for("RG") == 2
    remote("ML", via="RG")
    outbox.republish_for("ML")
    assert {c.version for c in OutboxChange.objects.all()} == {1}
    delivery = Delivery.objects.get(change=changes_of(report)[0])
    assert delivery.peer.code == "RG" and delivery.targets == ["ML", "RG"]


def test_a_peer_added_behind_a_relay_outside_the_audience_gets_a_sealed_copy(
        remote, validated_report, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = validated_report(dissemination="named", recipients=("ML",))
    remote("RG", url="http://127.0.0.1:9")
    remote("ML", via="RG")
    outbox.republish_for("ML")
    last = changes_of(report)[-1]
    assert last.version == 2 and wire.Change.decode(bytes(last.body)).sealed_for == "ML"
    assert last.deliveries.get().peer.code == "RG"
