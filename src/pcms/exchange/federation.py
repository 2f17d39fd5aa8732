"""Exchange objects between nodes: messages and their receipts, requests and their steps, alerts
and their hits, cases and what is filed in them.

Each object belongs to the platform whose user made it, and only that platform's node publishes
it (`pcms.federation.outbox.publish`, called in the exchange action's own transaction):

| object | owner | audience |
| --- | --- | --- |
| Message, and its files | sender | its recipient platforms |
| Delivery (receipt) | recipient platform | the sender (or the alert's issuer) |
| InformationRequest | requester | the requested platform, once sent |
| RequestStep | the platform that took it | the other party |
| Alert | issuer | the platforms its handling reached when validated |
| AlertHit | the platform where it matched | the issuer, when it may learn of it |
| Case | owner | its participants |
| CaseLink | the platform that filed the item | the case's owner and participants |

A node that receives a message or an alert creates its own `Delivery` under the identifier the
sender chose, and publishes it back at once: that is the sender's "received" receipt, and reading
and acknowledging there update it. A request's state at each node follows the furthest step it
holds (`STEP_ORDER`), so steps that cross each other end in the same state everywhere.

Users stay at their node: a received copy has no local author, only the name its owner sent.
Records sent in full travel through the records federation (the sending grants them, which
widens their audience); a received message or request then grants them to this platform here, and
waits (`Deferred`) until a record its sender owns has arrived. A record of a third platform that
never reached this node, one its owner retracted since, and every notice, is kept as its owner
and reference only.
"""

import base64
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core.models import NotificationLevel, notify
from pcms.exchange.choices import AlertStatus, RequestStatus, ShareMode
from pcms.exchange.models import (
    STEP_ORDER,
    STEP_SIDES,
    Alert,
    AlertHit,
    Case,
    CaseLink,
    Delivery,
    InformationRequest,
    Message,
    MessageFile,
    RecordGrant,
    RequestStep,
    SharedRecord,
)
from pcms.federation import outbox
from pcms.federation.hooks import publish_report
from pcms.federation.records import purpose_of, purpose_payload
from pcms.federation.registry import Deferred, before_retract, publishing_pass, register
from pcms.records import attachments
from pcms.records.models import Entity, Report
from pcms.records.visibility import OPERATIONAL_ROLES
from pcms.reference.models import Platform

RECORD_TYPES = {"report": ("records.report", Report), "entity": ("records.entity", Entity)}


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _platform(code: str) -> Platform:
    platform = Platform.objects.filter(code=code).first()
    if platform is None:
        raise ValueError(f"unknown platform {code[:8]}")
    return platform


def _here() -> Platform:
    return _platform(settings.PCMS_NODE)


def _check_origin(expected: str, origin: str, what: str) -> None:
    """A payload may not speak for another platform than the one that signed it."""
    if expected != origin:
        raise PermissionError(f"{origin} sent a {what} of {expected[:8]}")


def _tell(platform: Platform, title: str, url: str, level=NotificationLevel.ACTION, *,
          roles=OPERATIONAL_ROLES, role: str = "") -> None:
    """Notify this platform's users of something that arrived, as the action does locally."""
    from pcms.exchange.actions import notify_all, people

    notify_all(people([platform], roles=roles, role=role), title, url, level)


# Records sent with a message, a request or an answer --------------------------------------------

def publish_records(records) -> None:
    """Publish the records a sending granted to other platforms (those this node owns): their
    audience now includes the recipients, so the records federation carries them there."""
    with publishing_pass():
        for item in records:
            if isinstance(item, Report):
                publish_report(item)
            else:
                outbox.publish(item)


def _shared_payload(shared: SharedRecord) -> dict:
    kind = "report" if shared.report_id else "entity"
    values = {"id": str(shared.pk), "mode": shared.mode, "owner": shared.owner.code,
              "reference": shared.reference, "kind": kind, "answer": shared.in_answer}
    if shared.mode == ShareMode.FULL:
        values["record"] = str(shared.report_id or shared.entity_id)
    return values


def _shared_list(item, in_answer: bool | None = None) -> list[dict]:
    shared = item.records.select_related("owner").order_by("id")
    if in_answer is not None:
        shared = shared.filter(in_answer=in_answer)
    return [_shared_payload(one) for one in shared]


def _records_present(shared: list[dict], origin: str) -> dict[str, Model]:
    """The local copies of the records sent in full, by id; Deferred (before anything is
    written) while a record of the sender itself has not arrived."""
    present = {}
    for values in shared:
        if values["mode"] != ShareMode.FULL or not values.get("record"):
            continue
        record_type, model = RECORD_TYPES[values["kind"]]
        found = model.objects.filter(pk=values["record"]).first()
        if found is not None:
            present[values["record"]] = found
        elif values["owner"] == origin:
            raise Deferred(record_type, values["record"])
    return present


def _store_shared(shared: list[dict], present: dict[str, Model], *, message=None, request=None,
                  in_answer: bool = False) -> None:
    """The shared records as sent, and this platform's grant to read those sent in full."""
    item = message or request
    item.records.filter(in_answer=in_answer).delete()
    here = _here()
    for values in shared:
        found = present.get(values.get("record") or "")
        SharedRecord.objects.create(
            id=values["id"], message=message, request=request, in_answer=in_answer,
            mode=values["mode"], owner=_platform(values["owner"]),
            reference=values["reference"][:80], **{values["kind"]: found})
        if found is None or found.owner_id == here.pk:
            continue
        granted = [found]
        if isinstance(found, Report):
            granted += list(Entity.objects.filter(origin=found))
        for one in granted:
            RecordGrant.objects.get_or_create(
                platform=here, **{one._meta.model_name: one},
                defaults={"via_message": message, "via_request": request})


def _forget_report(record_id: str) -> None:
    """A report retracted by its owner: the messages and requests that carried it keep its
    owner and reference only, as for a notice."""
    SharedRecord.objects.filter(report_id=record_id).update(report=None)


def _forget_entity(record_id: str) -> None:
    SharedRecord.objects.filter(entity_id=record_id).update(entity=None)


def on_entities_received(sender, record_id: str, op: str, **kwargs) -> None:
    """An entity that arrives after the report it was sent with is granted like its report."""
    if sender is not Entity or op == "retract":
        return
    entity = Entity.objects.filter(pk=record_id).first()
    if entity is None or not entity.origin_id:
        return
    here = _here()
    grant = RecordGrant.objects.filter(platform=here, report_id=entity.origin_id).first()
    if grant is not None and entity.owner_id != here.pk:
        RecordGrant.objects.get_or_create(
            platform=here, entity=entity,
            defaults={"via_message": grant.via_message, "via_request": grant.via_request})


# Messages ---------------------------------------------------------------------------------------

def message_payload(message: Message) -> dict:
    return {
        "author": message.author_label, "audience": message.audience,
        "role": message.recipient_role, "subject": message.subject, "body": message.body,
        "parent": str(message.parent_id) if message.parent_id else None,
        "thread": str(message.thread_id) if message.thread_id else None,
        "request": str(message.request_id) if message.request_id else None,
        "sent_at": _iso(message.sent_at),
        "deliveries": {d.platform.code: str(d.pk)
                       for d in message.deliveries.select_related("platform")},
        "records": _shared_list(message),
    }


def _delivered_to(item: Message | Alert) -> set[str]:
    return set(item.deliveries.values_list("platform__code", flat=True))


def _addressed_here(record_id: str, payload: dict) -> tuple[Platform, str]:
    """This platform and the identifier of its delivery; refused if it is not a recipient."""
    here = _here()
    delivery_id = payload["deliveries"].get(here.code)
    if delivery_id is None:
        raise PermissionError(f"{record_id} is not addressed to {here.code}")
    return here, delivery_id


def _received(here: Platform, delivery_id: str, origin: str, **item: Model) -> None:
    """This platform's delivery of a message or an alert, published back to the sender at once:
    the sender's receipt."""
    delivery, created = Delivery.objects.get_or_create(
        platform=here, **item, defaults={"id": delivery_id, "received_at": timezone.now()})
    if created:
        (name, obj), = item.items()
        record(AuditAction.CREATE, obj=delivery, detail={
            "event": "received", name: str(obj.pk), "from": origin})
        outbox.publish(delivery)


def apply_message(record_id: str, payload: dict, origin: str) -> None:
    here, delivery_id = _addressed_here(record_id, payload)
    parent = None
    if payload["parent"]:
        parent = Message.objects.filter(pk=payload["parent"]).first()
        if parent is None:
            raise Deferred("exchange.message", payload["parent"])
    if payload["request"] and not InformationRequest.objects.filter(pk=payload["request"]).exists():
        raise Deferred("exchange.informationrequest", payload["request"])
    present = _records_present(payload["records"], origin)
    thread_id = payload["thread"]
    if thread_id and not Message.objects.filter(pk=thread_id).exists():
        thread_id = str(parent.thread_id or parent.pk) if parent else None
    message, created = Message.objects.update_or_create(id=record_id, defaults={
        "sender": _platform(origin), "author": None, "author_name": payload["author"][:150],
        "audience": payload["audience"], "recipient_role": payload["role"],
        "subject": payload["subject"][:200], "body": payload["body"], "parent": parent,
        "thread_id": thread_id, "request_id": payload["request"],
        "sent_at": _moment(payload["sent_at"])})
    _store_shared(payload["records"], present, message=message)
    _received(here, delivery_id, origin, message=message)
    if created:
        url = reverse("exchange:message_detail", args=[message.pk])
        _tell(here, _("Message from %(platform)s") % {"platform": origin}, url,
              role=payload["role"])


def file_payload(stored: MessageFile) -> dict:
    with stored.file.open("rb") as handle:
        content = handle.read()
    return {"message": str(stored.message_id), "filename": stored.filename,
            "sha256": stored.sha256, "content": base64.b64encode(content).decode("ascii")}


def apply_file(record_id: str, payload: dict, origin: str) -> None:
    """A file of a message, checked here as an upload is (size, type) and against its digest."""
    message = Message.objects.filter(pk=payload["message"]).first()
    if message is None:
        raise Deferred("exchange.message", payload["message"])
    _check_origin(message.sender.code, origin, "message file")
    upload = ContentFile(base64.b64decode(payload["content"], validate=True),
                        name=payload["filename"])
    checked = attachments.check(upload)
    if checked.sha256 != payload["sha256"]:
        raise ValueError(f"file {record_id} does not match its digest")
    if MessageFile.objects.filter(pk=record_id).exists():
        return
    stored = MessageFile(id=record_id, message=message, filename=checked.filename,
                         content_type=checked.content_type, size=checked.size,
                         sha256=checked.sha256)
    stored.file.save(checked.sha256, upload, save=False)
    stored.save()


# Receipts ---------------------------------------------------------------------------------------

def delivery_payload(delivery: Delivery) -> dict:
    return {
        "message": str(delivery.message_id) if delivery.message_id else None,
        "alert": str(delivery.alert_id) if delivery.alert_id else None,
        "platform": delivery.platform.code, "received_at": _iso(delivery.received_at),
        "read_at": _iso(delivery.read_at), "read_by": delivery.read_by_label,
        "acknowledged_at": _iso(delivery.acknowledged_at),
        "acknowledged_by": delivery.acknowledged_by_label,
    }


def delivery_audience(delivery: Delivery) -> set[str]:
    item = delivery.message or delivery.alert
    return {(item.sender if delivery.message_id else item.issuer).code}


def apply_delivery(record_id: str, payload: dict, origin: str) -> None:
    _check_origin(payload["platform"], origin, "receipt")
    if payload["message"]:
        item = {"message": Message.objects.filter(pk=payload["message"]).first()}
        if item["message"] is None:
            raise Deferred("exchange.message", payload["message"])
    else:
        item = {"alert": Alert.objects.filter(pk=payload["alert"]).first()}
        if item["alert"] is None:
            raise Deferred("exchange.alert", payload["alert"])
    delivery = (Delivery.objects.filter(pk=record_id).first()
                or Delivery(id=record_id, platform=_platform(origin), **item))
    delivery.received_at = _moment(payload["received_at"])
    delivery.read_at, delivery.read_by_name = _moment(payload["read_at"]), payload["read_by"][:150]
    delivery.acknowledged_at = _moment(payload["acknowledged_at"])
    delivery.acknowledged_by_name = payload["acknowledged_by"][:150]
    delivery.save()


# Requests for information -----------------------------------------------------------------------

def request_payload(info: InformationRequest) -> dict:
    return {
        "reference": info.reference, "recipient": info.recipient.code,
        "author": info.author_label, "subject": info.subject, "body": info.body,
        "priority": info.priority, "due_date": _iso(info.due_date),
        "purpose": purpose_payload(info.purpose), "legal_basis": info.legal_basis,
        "created_at": _iso(info.created_at), "sent_at": _iso(info.sent_at),
        "records": _shared_list(info, in_answer=False),
    }


def request_audience(info: InformationRequest) -> set[str]:
    return set() if info.status == RequestStatus.DRAFT else {info.recipient.code}


def settle_status(info: InformationRequest) -> None:
    """The furthest step held decides the request's state here."""
    held = set(info.steps.values_list("status", flat=True))
    status = max(held, key=STEP_ORDER.index, default=RequestStatus.SENT)
    if status == RequestStatus.DRAFT:
        status = RequestStatus.SENT
    if info.status != status:
        info.status = status
        info.save(update_fields=["status"])


def apply_request(record_id: str, payload: dict, origin: str) -> None:
    here = _here()
    if payload["recipient"] != here.code:
        raise PermissionError(f"request {record_id} is not addressed to {here.code}")
    present = _records_present(payload["records"], origin)
    info, created = InformationRequest.objects.update_or_create(id=record_id, defaults={
        "reference": payload["reference"][:32], "requester": _platform(origin),
        "recipient": here, "author": None, "author_name": payload["author"][:150],
        "subject": payload["subject"][:200], "body": payload["body"],
        "priority": payload["priority"], "due_date": date.fromisoformat(payload["due_date"]),
        "purpose": purpose_of(payload["purpose"]), "legal_basis": payload["legal_basis"][:300],
        "created_at": _moment(payload["created_at"]), "sent_at": _moment(payload["sent_at"])})
    _store_shared(payload["records"], present, request=info)
    settle_status(info)
    if created:
        record(AuditAction.CREATE, obj=info, detail={"event": "received", "from": origin})
        title = _("Request for information %(reference)s from %(platform)s") % {
            "reference": info.reference, "platform": origin}
        _tell(here, title, reverse("exchange:request_detail", args=[info.pk]),
              roles=("officer", "supervisor", "analyst"))


def step_payload(step: RequestStep) -> dict:
    values = {"request": str(step.request_id), "status": step.status, "actor": step.actor_label,
              "at": _iso(step.at), "comment": step.comment}
    if step.status == RequestStatus.ANSWERED:
        info = step.request
        values |= {"answer": info.answer, "answered_at": _iso(info.answered_at),
                   "records": _shared_list(info, in_answer=True)}
    return values


def step_owner(step: RequestStep) -> str:
    return step.platform.code


def step_audience(step: RequestStep) -> set[str]:
    info = step.request
    if info.status == RequestStatus.DRAFT:
        return set()
    other = info.recipient if STEP_SIDES[step.status] == "requester" else info.requester
    return {other.code}


_STEP_NOTICES = {
    RequestStatus.ACCEPTED: gettext_noop("%(reference)s accepted by %(platform)s"),
    RequestStatus.ANSWERED: gettext_noop("%(platform)s answered %(reference)s"),
    RequestStatus.DECLINED: gettext_noop("%(platform)s declined %(reference)s"),
}


def apply_step(record_id: str, payload: dict, origin: str) -> None:
    info = InformationRequest.objects.filter(pk=payload["request"]).first()
    if info is None:
        raise Deferred("exchange.informationrequest", payload["request"])
    status = payload["status"]
    _check_origin(getattr(info, STEP_SIDES[status]).code, origin, "request step")
    present = _records_present(payload.get("records", []), origin)
    step, created = RequestStep.objects.update_or_create(id=record_id, defaults={
        "request": info, "status": status, "actor": None, "actor_name": payload["actor"][:150],
        "at": _moment(payload["at"]), "comment": payload["comment"][:500]})
    if status == RequestStatus.ANSWERED:
        info.answer, info.answered_at = payload["answer"], _moment(payload["answered_at"])
        info.save(update_fields=["answer", "answered_at"])
        _store_shared(payload["records"], present, request=info, in_answer=True)
    elif status == RequestStatus.DECLINED:
        info.decline_reason = payload["comment"][:500]
        info.save(update_fields=["decline_reason"])
    settle_status(info)
    if created and status in _STEP_NOTICES and info.author is not None:
        # The same words as when the step is taken on this node (translated there).
        notify(info.author, _(_STEP_NOTICES[status]) % {
            "reference": info.reference, "platform": origin},
            reverse("exchange:request_detail", args=[info.pk]), NotificationLevel.INFO)


# Alerts -----------------------------------------------------------------------------------------

def alert_payload(alert: Alert) -> dict:
    return {
        "reference": alert.reference, "kind": alert.kind, "author": alert.author_label,
        "title": alert.title, "instructions": alert.instructions,
        "entity": str(alert.entity_id) if alert.entity_id else None, "subject": alert.subject,
        "dissemination": alert.dissemination,
        "recipients": sorted(p.code for p in alert.recipients.all()),
        "classification": alert.classification, "valid_from": _iso(alert.valid_from),
        "valid_until": _iso(alert.valid_until), "status": alert.status,
        "validated_at": _iso(alert.validated_at), "withdrawn_at": _iso(alert.withdrawn_at),
        "deliveries": {d.platform.code: str(d.pk)
                       for d in alert.deliveries.select_related("platform")},
    }


def alert_audience(alert: Alert) -> set[str]:
    if alert.status not in (AlertStatus.ACTIVE, AlertStatus.WITHDRAWN):
        return set()
    return _delivered_to(alert)


def apply_alert(record_id: str, payload: dict, origin: str) -> None:
    here, delivery_id = _addressed_here(record_id, payload)
    alert, created = Alert.objects.update_or_create(id=record_id, defaults={
        "reference": payload["reference"][:32], "kind": payload["kind"],
        "issuer": _platform(origin), "author": None, "author_name": payload["author"][:150],
        "title": payload["title"][:200], "instructions": payload["instructions"],
        "entity": Entity.objects.filter(pk=payload["entity"]).first() if payload["entity"] else None,
        "subject": payload["subject"], "dissemination": payload["dissemination"],
        "classification": int(payload["classification"]),
        "valid_from": _moment(payload["valid_from"]), "valid_until": _moment(payload["valid_until"]),
        "status": payload["status"], "validated_at": _moment(payload["validated_at"]),
        "withdrawn_at": _moment(payload["withdrawn_at"])})
    alert.recipients.set(Platform.objects.filter(code__in=payload["recipients"]))
    _received(here, delivery_id, origin, alert=alert)
    if created and alert.is_active:
        title = _("Alert %(reference)s: %(kind)s") % {"reference": alert.reference,
                                                       "kind": alert.get_kind_display()}
        _tell(here, title, reverse("exchange:alert_detail", args=[alert.pk]),
              NotificationLevel.ALERT)


def hit_payload(hit: AlertHit) -> dict:
    return {
        "alert": str(hit.alert_id), "platform": hit.platform.code, "source": hit.source,
        "reference": hit.reference, "score": hit.score, "explanation": hit.explanation,
        "found_at": _iso(hit.found_at),
        "entity": str(hit.entity_id) if hit.entity_id else None,
        "report": str(hit.report_id) if hit.report_id else None,
    }


def hit_owner(hit: AlertHit) -> str:
    return hit.platform.code


def hit_audience(hit: AlertHit) -> set[str]:
    if not hit.issuer_informed or hit.alert.issuer_id == hit.platform_id:
        return set()
    return {hit.alert.issuer.code}


def apply_hit(record_id: str, payload: dict, origin: str) -> None:
    from pcms.exchange.alerts import notify_hit

    _check_origin(payload["platform"], origin, "hit")
    alert = Alert.objects.filter(pk=payload["alert"]).first()
    if alert is None:
        raise Deferred("exchange.alert", payload["alert"])
    entity = Entity.objects.filter(pk=payload["entity"]).first() if payload["entity"] else None
    if entity is not None and alert.hits.filter(entity=entity).exclude(pk=record_id).exists():
        entity = None  # this node found the same record itself: one hit per record and alert
    hit, created = AlertHit.objects.update_or_create(id=record_id, defaults={
        "alert": alert, "platform": _platform(origin), "source": payload["source"],
        "reference": payload["reference"][:80], "score": float(payload["score"]),
        "explanation": payload["explanation"], "found_at": _moment(payload["found_at"]),
        "entity": entity, "issuer_informed": True,
        "report": Report.objects.filter(pk=payload["report"]).first() if payload["report"] else None})
    if created:
        record(AuditAction.CREATE, obj=hit, detail={"event": "alert_hit", "alert": str(alert.pk),
                                                     "from": origin, "score": hit.score})
        notify_hit(hit, None)


# Cases ------------------------------------------------------------------------------------------

def case_payload(case: Case) -> dict:
    return {
        "reference": case.reference, "title": case.title, "description": case.description,
        "participants": sorted(p.code for p in case.participants.all()), "status": case.status,
        "created_by": (case.created_by.get_username() if case.created_by_id
                       else case.created_by_name), "created_at": _iso(case.created_at),
    }


def case_audience(case: Case) -> set[str]:
    return {p.code for p in case.participants.all()}


def apply_case(record_id: str, payload: dict, origin: str) -> None:
    here = _here()
    case, created = Case.objects.update_or_create(id=record_id, defaults={
        "reference": payload["reference"][:32], "title": payload["title"][:200],
        "description": payload["description"], "owner": _platform(origin),
        "status": payload["status"], "created_by": None,
        "created_by_name": payload["created_by"][:150],
        "created_at": _moment(payload["created_at"])})
    case.participants.set(Platform.objects.filter(code__in=payload["participants"]))
    if created:
        _tell(here, _("Case %(reference)s is shared with your platform") % {
            "reference": case.reference}, reverse("exchange:case_detail", args=[case.pk]),
              NotificationLevel.INFO, roles=("officer", "supervisor", "analyst"))


def link_payload(link: CaseLink) -> dict:
    return {"case": str(link.case_id), "kind": link.kind, "item": str(link.item.pk),
            "platform": link.platform.code,
            "added_by": link.added_by.get_username() if link.added_by_id else link.added_by_name,
            "added_at": _iso(link.added_at)}


def link_owner(link: CaseLink) -> str:
    return link.platform.code if link.platform_id else ""


def link_audience(link: CaseLink) -> set[str]:
    return case_audience(link.case) | {link.case.owner.code}


LINKED = {"report": Report, "entity": Entity, "message": Message,
          "request": InformationRequest, "alert": Alert}


def apply_link(record_id: str, payload: dict, origin: str) -> None:
    _check_origin(payload["platform"], origin, "case link")
    case = Case.objects.filter(pk=payload["case"]).first()
    if case is None:
        raise Deferred("exchange.case", payload["case"])
    item = LINKED[payload["kind"]].objects.filter(pk=payload["item"]).first()
    if item is None:
        # An item this node never received (a message between two other platforms, a record
        # not addressed here) is not filed here; the others of the case are.
        CaseLink.objects.filter(pk=record_id).delete()
        return
    CaseLink.objects.update_or_create(id=record_id, defaults={
        "case": case, payload["kind"]: item, "platform": _platform(origin), "added_by": None,
        "added_by_name": payload["added_by"][:150], "added_at": _moment(payload["added_at"])})


def _delete_file(record_id: str) -> None:
    for stored in MessageFile.objects.filter(pk=record_id):
        stored.file.delete(save=False)
        stored.delete()


def connect() -> None:
    from pcms.federation.signals import received

    register(Message, message_payload, apply_message, _delivered_to,
             owner=lambda message: message.sender.code)
    register(MessageFile, file_payload, apply_file, lambda stored: _delivered_to(stored.message),
             owner=lambda stored: stored.message.sender.code,
             retract=lambda record_id: _delete_file(record_id))
    register(Delivery, delivery_payload, apply_delivery, delivery_audience,
             owner=lambda delivery: delivery.platform.code)
    register(InformationRequest, request_payload, apply_request, request_audience,
             owner=lambda info: info.requester.code)
    register(RequestStep, step_payload, apply_step, step_audience, owner=step_owner)
    register(Alert, alert_payload, apply_alert, alert_audience,
             owner=lambda alert: alert.issuer.code)
    register(AlertHit, hit_payload, apply_hit, hit_audience, owner=hit_owner)
    register(Case, case_payload, apply_case, case_audience)
    register(CaseLink, link_payload, apply_link, link_audience, owner=link_owner)
    received.connect(on_entities_received, dispatch_uid="exchange.federation.entities")
    before_retract("records.report", _forget_report)
    before_retract("records.entity", _forget_entity)
