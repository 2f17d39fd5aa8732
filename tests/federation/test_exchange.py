"""The exchange between nodes: messages and receipts, requests and steps, alerts and hits, cases.

This node is NE. What another node sends is written here as that node would write it (its
payload, signed with its key) and taken in through the inbox; what NE sends is read back from
its outbox, addressed and versioned as the federation would carry it.
"""

import base64
import hashlib
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pcms.exchange import actions
from pcms.exchange.alerts import check_against_alerts
from pcms.exchange.inbox import inbox
from pcms.exchange.models import (
    Alert,
    AlertHit,
    Case,
    Delivery,
    InformationRequest,
    Message,
    MessageFile,
    RequestStep,
)
from pcms.exchange.visibility import visible_cases
from pcms.federation import inbox as federation_inbox
from pcms.federation import wire
from pcms.federation.choices import Outcome, Reason
from pcms.federation.models import OutboxChange
from pcms.federation.outbox import retract_record
from pcms.records.models import Entity, Report
from pcms.records.visibility import can_read
from tests.conftest import sign_in
from tests.federation.conftest import batch, change, person_payload, report_payload

MESSAGE, DELIVERY = "exchange.message", "exchange.delivery"
REQUEST, STEP = "exchange.informationrequest", "exchange.requeststep"


def new_id() -> str:
    return str(uuid.uuid4())


def take(origin, *frames):
    return federation_inbox.receive(batch(origin, list(frames))).outcomes


def sent(record_type: str, record_id=None) -> list[tuple[list[str], dict]]:
    """What NE published about records of a type: (audience, payload) per change, in order."""
    changes = OutboxChange.objects.filter(record_type=record_type).order_by("id")
    if record_id is not None:
        changes = changes.filter(record_id=str(record_id))
    return [(change.audience, wire.Change.decode(bytes(change.body)).payload) for change in changes]


def message_payload(deliveries: dict, *, author="officer.ml", records=(), parent=None) -> dict:
    return {"author": author, "audience": "states", "role": "", "subject": "Convoi signalé",
            "body": "Trois véhicules vers Ayorou. Données fictives.", "parent": parent,
            "thread": parent, "request": None, "sent_at": "2026-11-20T08:00:00+00:00",
            "deliveries": deliveries, "records": list(records)}


@pytest.fixture
def officer(make_user):
    return make_user("officer-ne", "officer", platform="NE")


def test_message_from_ml_reaches_the_inbox_once_and_its_receipts_go_back(remote, officer):
    ml = remote("ML")
    message_id, delivery_id = new_id(), new_id()
    frame = change(ml, MESSAGE, message_id,
                   message_payload({"NE": delivery_id, "BF": new_id()}), audience=("NE", "BF"))

    assert take(ml, frame) == {Outcome.APPLIED: 1}
    assert take(ml, frame) == {Reason.REPLAYED: 1}

    message = Message.objects.get()
    assert message.sender.code == "ML" and message.author is None
    assert message.author_label == "officer.ml"
    assert [d.platform.code for d in message.deliveries.all()] == ["NE"]
    assert list(inbox(officer).messages) == [message]
    (audience, received), = sent(DELIVERY, delivery_id)
    assert audience == ["ML"] and received["received_at"] and received["read_at"] is None

    actions.read_message(officer, message)
    actions.acknowledge(officer, Delivery.objects.get(pk=delivery_id))
    receipts = sent(DELIVERY, delivery_id)
    assert [payload["read_by"] for _a, payload in receipts] == ["", "officer-ne", "officer-ne"]
    assert receipts[-1][0] == ["ML"] and receipts[-1][1]["acknowledged_by"] == "officer-ne"
    assert list(inbox(officer).messages) == []


def test_a_message_not_addressed_to_this_node_is_refused(remote):
    ml = remote("ML")
    frame = change(ml, MESSAGE, new_id(), message_payload({"BF": new_id()}), audience=("NE", "BF"))
    assert take(ml, frame) == {Reason.FAILED: 1}
    assert not Message.objects.exists()


def test_a_message_goes_only_to_the_platforms_it_names(remote, officer):
    remote("ML"), remote("BF"), remote("RG")
    message = actions.send_message(officer, subject="Vérification", body="Connu chez vous ?",
                                   recipients=["ML"])
    (audience, payload), = sent(MESSAGE, message.pk)
    assert audience == ["ML"] and payload["author"] == "officer-ne"
    assert list(payload["deliveries"]) == ["ML"]


def test_a_file_sent_with_a_message_arrives_whole_and_a_forged_one_is_refused(remote, officer):
    ml = remote("ML")
    photo = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    sent_here = actions.send_message(officer, subject="Photo", body="Voir la photo.",
                                     recipients=["ML"],
                                     files=[SimpleUploadedFile("photo.png", photo, "image/png")])
    (audience, payload), = sent("exchange.messagefile")
    assert audience == ["ML"] and base64.b64decode(payload["content"]) == photo
    assert payload["message"] == str(sent_here.pk)

    message_id = new_id()
    take(ml, change(ml, MESSAGE, message_id, message_payload({"NE": new_id()}), audience=("NE",)))
    good = {"message": message_id, "filename": "scan.png", "sha256": hashlib.sha256(photo).hexdigest(),
            "content": base64.b64encode(photo).decode()}
    altered = {**good, "content": base64.b64encode(photo + b"1").decode()}
    assert take(ml, change(ml, "exchange.messagefile", new_id(), altered, audience=("NE",)),
                change(ml, "exchange.messagefile", new_id(), good, audience=("NE",))) == {
        Reason.FAILED: 1, Outcome.APPLIED: 1}
    received = MessageFile.objects.get(message_id=message_id)
    with received.file.open("rb") as handle:
        assert handle.read() == photo


def test_a_receipt_updates_the_senders_copy_and_only_the_recipient_may_send_it(remote, officer):
    ml, bf = remote("ML"), remote("BF")
    message = actions.send_message(officer, subject="Vérification", body="Connu chez vous ?",
                                   recipients=["ML"])
    delivery = message.deliveries.get()
    receipt = {"message": str(message.pk), "alert": None, "platform": "ML",
               "received_at": "2026-11-20T08:01:00+00:00", "read_at": "2026-11-20T09:00:00+00:00",
               "read_by": "officer.ml", "acknowledged_at": "2026-11-20T09:05:00+00:00",
               "acknowledged_by": "chief.ml"}
    forged = {**receipt, "platform": "BF"}
    assert take(bf, change(bf, DELIVERY, str(delivery.pk), forged, audience=("NE",))) == {
        Reason.NOT_OWNER: 1}
    assert take(ml, change(ml, DELIVERY, str(delivery.pk), receipt, audience=("NE",))) == {
        Outcome.APPLIED: 1}
    delivery.refresh_from_db()
    assert delivery.read_by_label == "officer.ml" and delivery.acknowledged_by_label == "chief.ml"
    assert delivery.acknowledged_at.isoformat() == "2026-11-20T09:05:00+00:00"


def test_records_sent_with_a_message_travel_to_the_recipient(remote, officer, make_user,
                                                            validated_report):
    remote("ML")
    report = validated_report(officer, make_user("chief-ne", "supervisor", platform="NE"),
                              dissemination="own")
    assert report.dissemination == "own"
    assert sent("records.report", report.pk) == []
    actions.send_message(officer, subject="Pour information", body="Voir le rapport joint.",
                         recipients=["ML"], records=[report])
    (audience, payload), = sent("records.report", report.pk)
    assert audience == ["ML"] and payload["reference"] == report.reference
    assert [a for a, _p in sent("records.entity")] == [["ML"]] * Report.objects.get(
        pk=report.pk).mentions.count()


def test_a_record_sent_with_a_message_waits_for_it_then_is_readable_here(remote, officer):
    ml = remote("ML")
    report_id = new_id()
    shared = {"id": new_id(), "mode": "full", "owner": "ML", "reference": "ML-2026-000042",
              "kind": "report", "answer": False, "record": report_id}
    notice = {"id": new_id(), "mode": "notice", "owner": "ML", "reference": "ML-2026-000043",
              "kind": "report", "answer": False}
    message_id = new_id()
    first = change(ml, MESSAGE, message_id,
                   message_payload({"NE": new_id()}, records=[shared, notice]), audience=("NE",))
    assert take(ml, first) == {Outcome.WAITING: 1}
    assert not Message.objects.exists()
    own = report_payload("ML", "ML-2026-000042")
    own["handling"]["dissemination"] = "own"
    assert take(ml, change(ml, "records.report", report_id, own, audience=("NE",)))[
        Outcome.APPLIED] >= 1
    message = Message.objects.get(pk=message_id)
    full, hidden = message.records.order_by("reference")
    assert full.report_id == uuid.UUID(report_id) and can_read(officer, full.report)
    assert hidden.mode == "notice" and hidden.record is None
    assert hidden.reference == "ML-2026-000043"


def shared_person(person_id: str) -> dict:
    return {"id": new_id(), "mode": "full", "owner": "ML", "reference": "ML-2026-000050",
            "kind": "entity", "answer": False, "record": person_id}


def test_a_person_sent_alone_whose_report_never_comes_here_reaches_the_inbox(remote, officer):
    ml = remote("ML")
    report_id, person_id, message_id = new_id(), new_id(), new_id()
    person = person_payload("ML", report_id, "Awa Diallo", origin_to=[])
    carrying = message_payload({"NE": new_id()}, records=[shared_person(person_id)])
    assert take(ml, change(ml, "records.entity", person_id, person, audience=("NE",)),
                change(ml, MESSAGE, message_id, carrying, audience=("NE",))) == {
        Outcome.APPLIED: 2}
    received = Entity.objects.get(pk=person_id)
    assert received.origin_id is None and can_read(officer, received)
    message = Message.objects.get(pk=message_id)
    assert list(inbox(officer).messages) == [message]
    assert message.records.get().entity == received

    assert take(ml, change(ml, "records.entity", person_id, None, version=2, op="retract",
                           audience=("NE",))) == {Outcome.APPLIED: 1}
    assert not Entity.objects.exists()
    kept = message.records.get()
    assert kept.record is None and kept.reference == "ML-2026-000050"


def test_a_person_whose_report_comes_here_waits_for_it_then_links_to_it(remote, officer):
    ml = remote("ML")
    report_id, person_id, message_id = new_id(), new_id(), new_id()
    person = person_payload("ML", report_id, "Awa Diallo", origin_to=["NE"])
    carrying = message_payload({"NE": new_id()}, records=[shared_person(person_id)])
    assert take(ml, change(ml, "records.entity", person_id, person, audience=("NE",)),
                change(ml, MESSAGE, message_id, carrying, audience=("NE",))) == {
        Outcome.WAITING: 2}
    assert not Entity.objects.exists() and not Message.objects.exists()
    take(ml, change(ml, "records.report", report_id, report_payload("ML", "ML-2026-000049"),
                    audience=("NE",)))
    assert str(Entity.objects.get(pk=person_id).origin_id) == report_id
    assert list(inbox(officer).messages) == [Message.objects.get(pk=message_id)]


def test_a_person_taken_without_its_report_links_to_it_once_the_report_is_shared(remote):
    ml = remote("ML")
    report_id, person_id = new_id(), new_id()
    alone = person_payload("ML", report_id, "Awa Diallo", origin_to=[])
    take(ml, change(ml, "records.entity", person_id, alone, audience=("NE",)))
    assert Entity.objects.get(pk=person_id).origin_id is None
    later = person_payload("ML", report_id, "Awa Diallo", origin_to=["NE"],
                           mentions=[(report_id, "suspect")])
    assert take(ml, change(ml, "records.report", report_id,
                           report_payload("ML", "ML-2026-000049"), audience=("NE",)),
                change(ml, "records.entity", person_id, later, version=2, op="update",
                       audience=("NE",))) == {Outcome.APPLIED: 2}
    linked = Entity.objects.get(pk=person_id)
    assert str(linked.origin_id) == report_id
    assert [str(m.report_id) for m in linked.mentions.all()] == [report_id]
    take(ml, change(ml, "records.report", report_id, None, version=2, op="retract",
                    audience=("NE",)))
    assert Entity.objects.get(pk=person_id).origin_id is None


def test_a_person_sent_alone_says_whether_the_recipient_gets_its_report(remote, officer,
                                                                       make_user,
                                                                       validated_report):
    remote("ML")
    report = validated_report(officer, make_user("chief-ne", "supervisor", platform="NE"),
                              dissemination="own")
    person = Entity.objects.get(origin=report)
    actions.send_message(officer, subject="Connu ?", body="Voir la personne jointe.",
                         recipients=["ML"], records=[person])
    (audience, payload), = sent("records.entity", person.pk)
    assert audience == ["ML"] and payload["origin"] == str(report.pk)
    assert payload["origin_to"] == [] and sent("records.report", report.pk) == []

    actions.send_message(officer, subject="Le rapport", body="Voir le rapport joint.",
                         recipients=["ML"], records=[report])
    assert sent("records.report", report.pk)[0][0] == ["ML"]
    assert sent("records.entity", person.pk)[-1][1]["origin_to"] == ["ML"]

    retract_record(report, "Effacement demandé", officer)
    assert [(a, p) for a, p in sent("records.entity", person.pk)][-1] == (["ML"], None)


def test_an_unknown_author_never_breaks_the_page(remote, officer, client):
    ml = remote("ML")
    message_id = new_id()
    take(ml, change(ml, MESSAGE, message_id,
                    message_payload({"NE": new_id()}, author="agent.inconnu"), audience=("NE",)))
    sign_in(client, officer)
    page = client.get(f"/exchange/messages/{message_id}/")
    assert page.status_code == 200 and "agent.inconnu" in page.content.decode()


def step(status: str, request_id: str, **extra) -> dict:
    return {"request": request_id, "status": status, "actor": "chief.ml",
            "at": "2026-11-21T10:00:00+00:00", "comment": "", **extra}


def test_the_answer_to_a_request_comes_back_whatever_order_the_steps_take(remote, officer):
    ml = remote("ML")
    info = actions.create_request(
        officer, recipient="ML", subject="Antécédents", body="Ce suspect est-il connu ?",
        purpose="terrorism-investigation", due_date=timezone.localdate() + timedelta(days=3),
        send=True)
    (audience, payload), = sent(REQUEST, info.pk)
    assert audience == ["ML"] and payload["purpose"]["code"] == "terrorism-investigation"
    assert sorted(p["status"] for a, p in sent(STEP) if a == ["ML"]) == ["draft", "sent"]

    request_id = str(info.pk)
    answered = step("answered", request_id, answer="Connu pour des faits similaires.",
                    answered_at="2026-11-21T11:00:00+00:00", records=[])
    answered["at"] = "2026-11-21T11:00:00+00:00"
    assert take(ml, change(ml, STEP, new_id(), answered, audience=("NE",)),
                change(ml, STEP, new_id(), step("accepted", request_id), audience=("NE",))) == {
        Outcome.APPLIED: 2}
    info.refresh_from_db()
    assert info.status == "answered" and info.answer == "Connu pour des faits similaires."
    assert [s.actor_label for s in info.steps.filter(status="answered")] == ["chief.ml"]
    assert list(inbox(officer).outgoing_requests) == [info]

    forged = step("closed", request_id)
    assert take(ml, change(ml, STEP, new_id(), forged, audience=("NE",))) == {Reason.FAILED: 1}
    actions.close_request(officer, info)
    closing = [p for _a, p in sent(STEP) if p["status"] == "closed"]
    assert len(closing) == 1 and closing[0]["actor"] == "officer-ne"


def test_a_request_from_ml_is_answered_here_and_the_answer_travels_back(remote, officer):
    ml = remote("ML")
    request_id = new_id()
    received = {
        "reference": "ML-RFI-2026-00001", "recipient": "NE", "author": "officer.ml",
        "subject": "Immatriculation", "body": "Merci de vérifier ce véhicule.",
        "priority": "normal", "due_date": str(timezone.localdate() - timedelta(days=2)),
        "purpose": {"code": "border-control", "legal_basis": "", "name": {"fr": "Frontières"}},
        "legal_basis": "", "created_at": "2026-11-20T08:00:00+00:00",
        "sent_at": "2026-11-20T08:00:00+00:00", "records": []}
    assert take(ml, change(ml, REQUEST, request_id, received, audience=("NE",)),
                change(ml, STEP, new_id(), step("sent", request_id, actor="officer.ml"),
                       audience=("NE",))) == {Outcome.APPLIED: 2}
    info = InformationRequest.objects.get(pk=request_id)
    assert info.status == "sent" and info.is_overdue and info.author_label == "officer.ml"
    assert list(inbox(officer).incoming_requests) == [info]
    actions.answer_request(officer, info, "Véhicule inconnu de nos services.")
    (audience, payload), = [(a, p) for a, p in sent(STEP) if p["status"] == "answered"]
    assert audience == ["ML"] and payload["answer"] == "Véhicule inconnu de nos services."
    assert RequestStep.objects.filter(request=info).count() == 2


def alert_payload(deliveries: dict, **fields) -> dict:
    now = timezone.now()
    return {
        "reference": "RG-AL-2026-00001", "kind": "wanted_person", "author": "analyst.rg",
        "title": "Recherché : Moussa Traoré", "instructions": "Interpeller et aviser RG.",
        "entity": None, "dissemination": "all", "recipients": [], "classification": 1,
        "subject": {"schema": "Person", "properties": {
            "name": ["Moussa Traoré"], "birthDate": ["1984-05-02"], "nationality": ["ml"]}},
        "valid_from": (now - timedelta(days=1)).isoformat(),
        "valid_until": (now + timedelta(days=30)).isoformat(), "status": "active",
        "validated_at": now.isoformat(), "withdrawn_at": None, "deliveries": deliveries,
        **fields}


def test_an_alert_from_rg_reaches_this_node_and_a_later_screening_hits_it(remote, officer):
    rg = remote("RG")
    alert_id, delivery_id = new_id(), new_id()
    assert take(rg, change(rg, "exchange.alert", alert_id, alert_payload({"NE": delivery_id}),
                           audience=("NE",))) == {Outcome.APPLIED: 1}
    alert = Alert.objects.get()
    assert alert.issuer.code == "RG" and alert.is_active and alert.author_label == "analyst.rg"
    assert list(inbox(officer).alerts) == [alert]
    assert sent(DELIVERY, delivery_id)[0][0] == ["RG"]

    hits = check_against_alerts(
        {"schema": "Person", "properties": {"name": ["Moussa Traore"],
                                            "birthDate": ["1984-05-02"]}},
        platform=officer.platform, actor=officer)
    assert [hit.alert for hit in hits] == [alert]
    (audience, payload), = sent("exchange.alerthit", hits[0].pk)
    assert audience == ["RG"] and payload["alert"] == alert_id

    withdrawn = alert_payload({"NE": delivery_id}, status="withdrawn",
                              withdrawn_at=timezone.now().isoformat())
    take(rg, change(rg, "exchange.alert", alert_id, withdrawn, version=2, op="update",
                    audience=("NE",)))
    assert not Alert.objects.get().is_active
    assert check_against_alerts(
        {"schema": "Person", "properties": {"name": ["Moussa Traore"],
                                            "birthDate": ["1984-05-02"]}},
        platform=officer.platform, actor=officer) == []


def test_a_hit_found_elsewhere_reaches_the_issuer(remote, make_user,
                                                 django_capture_on_commit_callbacks):
    ml = remote("ML")
    analyst, chief = make_user("analyst-ne", "analyst"), make_user("chief-ne", "supervisor")
    alert = actions.create_alert(
        analyst, kind="wanted_person", title="Recherché", instructions="Aviser NE.",
        valid_from=timezone.now() - timedelta(hours=1),
        valid_until=timezone.now() + timedelta(days=3), schema="Person",
        properties={"name": ["Awa Diallo"], "birthDate": ["1990-01-01"]})
    actions.submit_alert(analyst, alert)
    actions.validate_alert(chief, alert)
    assert "ML" in sent("exchange.alert", alert.pk)[0][0]
    hit = {"alert": str(alert.pk), "platform": "ML", "source": "screening", "reference": "",
           "score": 0.93, "explanation": [], "found_at": timezone.now().isoformat(),
           "entity": None, "report": None}
    with django_capture_on_commit_callbacks(execute=True):
        assert take(ml, change(ml, "exchange.alerthit", new_id(), hit, audience=("NE",))) == {
            Outcome.APPLIED: 1}
    assert AlertHit.objects.get().platform.code == "ML"
    assert analyst.notifications.filter(url__contains="/hits/").exists()


def test_a_case_shared_with_this_node_is_visible_with_what_it_may_see(remote, officer):
    ml = remote("ML")
    case_id, message_id = new_id(), new_id()
    case = {"reference": "ML-CASE-2026-00001", "title": "Convoi armé", "description": "",
            "participants": ["NE", "BF"], "status": "open", "created_by": "officer.ml",
            "created_at": "2026-11-20T08:00:00+00:00"}
    take(ml, change(ml, MESSAGE, message_id, message_payload({"NE": new_id()}), audience=("NE",)))
    filed = {"case": case_id, "kind": "message", "item": message_id, "platform": "ML",
             "added_by": "officer.ml", "added_at": "2026-11-20T08:05:00+00:00"}
    elsewhere = {**filed, "item": new_id()}
    assert take(ml, change(ml, "exchange.caselink", new_id(), filed, audience=("NE", "BF")),
                change(ml, "exchange.case", case_id, case, audience=("NE", "BF")),
                change(ml, "exchange.caselink", new_id(), elsewhere, audience=("NE", "BF"))) == {
        Outcome.WAITING: 1, Outcome.APPLIED: 2}
    shared = Case.objects.get()
    assert list(visible_cases(officer)) == [shared]
    assert [link.message_id for link in shared.links.all()] == [uuid.UUID(message_id)]
    take(ml, change(ml, "exchange.case", case_id, None, version=2, op="retract",
                    audience=("NE",)))
    assert not Case.objects.exists()


def test_a_case_opened_here_goes_to_its_participants_with_its_links(remote, officer):
    remote("ML"), remote("BF")
    case = actions.open_case(officer, title="Réseau de passeurs", participants=["ML"])
    actions.send_message(officer, subject="Point", body="Réunion lundi.", recipients=["ML"],
                         case=case)
    assert sent("exchange.case", case.pk)[0][0] == ["ML"]
    assert [a for a, _p in sent("exchange.caselink")] == [["ML"]]
    actions.share_case(officer, case, ["ML", "BF"])
    assert sent("exchange.case", case.pk)[-1][0] == ["BF", "ML"]
    assert [a for a, _p in sent("exchange.caselink")][-1] == ["BF", "ML"]
