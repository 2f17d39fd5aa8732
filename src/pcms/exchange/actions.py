"""Every change in the exchange: one function each, atomic, audited.

Views and API handlers call these and nothing else. Each function checks all its input before it
writes anything, so a refusal (unknown platform, expired alert, closed request, a record that may
not be shared, a file over the size limit) leaves nothing half sent. The audit trail says who sent,
received, read, acknowledged and answered what, never the content.

Requests for information move through an explicit state machine (`TRANSITIONS`); each step is
kept in `RequestStep` and audited.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core.models import NotificationLevel, notify
from pcms.exchange import sharing
from pcms.exchange.choices import (
    ALERT_SCHEMATA,
    AlertKind,
    AlertStatus,
    Audience,
    CaseStatus,
    ConsentStatus,
    Priority,
    RequestStatus,
)
from pcms.exchange.federation import publish_records
from pcms.exchange.models import (
    Alert,
    AlertHit,
    Case,
    CaseLink,
    ConsentRequest,
    Delivery,
    InformationRequest,
    Message,
    MessageFile,
    RequestStep,
    SharedRecord,
)
from pcms.exchange.sharing import ExchangeError
from pcms.exchange.visibility import (
    EDITOR_ROLES,
    may_exchange,
    may_send,
    visible_alerts,
    visible_cases,
    visible_messages,
    visible_requests,
)
from pcms.federation.outbox import publish
from pcms.records import attachments
from pcms.records import schema as ftm
from pcms.records.choices import Dissemination
from pcms.records.models import Entity
from pcms.records.visibility import OPERATIONAL_ROLES, can_read
from pcms.reference.models import Platform, Purpose

MAX_RECIPIENTS = 20
MAX_RECORDS = 50
MAX_FILES = 10

# action -> (states it may start from, state it leads to, which side acts)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "send": ((RequestStatus.DRAFT,), RequestStatus.SENT, "requester"),
    "accept": ((RequestStatus.SENT,), RequestStatus.ACCEPTED, "recipient"),
    "answer": ((RequestStatus.SENT, RequestStatus.ACCEPTED), RequestStatus.ANSWERED, "recipient"),
    "decline": ((RequestStatus.SENT, RequestStatus.ACCEPTED), RequestStatus.DECLINED, "recipient"),
    "close": ((RequestStatus.SENT, RequestStatus.ACCEPTED, RequestStatus.ANSWERED,
               RequestStatus.DECLINED), RequestStatus.CLOSED, "requester"),
}


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _next_reference(model, platform, kind: str) -> str:
    prefix = f"{platform.code}-{kind}-{timezone.now().year}-"
    last = (model.objects.filter(reference__startswith=prefix).order_by("-reference")
            .values_list("reference", flat=True).first())
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def platforms_from_codes(codes: Iterable[str], *, field: str = "recipients",
                         exclude=None) -> list[Platform]:
    """Active platforms by code; an unknown code is refused by name."""
    wanted = list(dict.fromkeys(str(code).strip().upper() for code in codes if str(code).strip()))
    found = {p.code: p for p in Platform.objects.filter(code__in=wanted, is_active=True)}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise ExchangeError({field: _("Unknown platform: %(codes)s.") % {
            "codes": ", ".join(code[:8] for code in unknown[:10])}})
    return [found[code] for code in wanted if exclude is None or found[code].pk != exclude.pk]


def audience_platforms(sender: Platform, audience: str, codes: Iterable[str]) -> list[Platform]:
    """The platforms a message or an alert goes to, the sender's own excepted."""
    active = Platform.objects.filter(is_active=True).exclude(pk=sender.pk)
    if audience in (Audience.REGIONAL, Dissemination.REGIONAL):
        return list(active.filter(is_regional=True))
    if audience in (Audience.ALL, Dissemination.ALL):
        return list(active)
    if audience == Dissemination.OWN:
        return []
    if audience not in (Audience.STATES, Dissemination.NAMED):
        raise ExchangeError({"audience": _("Unknown audience %(audience)s.") % {
            "audience": str(audience)[:20]}})
    platforms = platforms_from_codes(codes, exclude=sender)
    if not platforms:
        raise ExchangeError({"recipients": _("Name at least one other platform.")})
    return platforms


def people(platforms, roles=OPERATIONAL_ROLES, role: str = ""):
    """The active users of `platforms` who hold one of `roles` (and `role`, when named)."""
    users = get_user_model().objects.filter(platform__in=platforms, is_active=True,
                                            groups__name__in=roles).distinct()
    return users.filter(groups__name=role) if role else users


def notify_all(users, title: str, url: str, level=NotificationLevel.ACTION) -> None:
    for user in users:
        notify(user, title, url, level)


def _check_files(files) -> list:
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ExchangeError({"files": _("At most %(count)d files.") % {"count": MAX_FILES}})
    checked = []
    for upload in files:
        try:
            checked.append((upload, attachments.check(upload)))
        except attachments.AttachmentError as error:
            raise ExchangeError({"files": f"{upload.name[:100]}: {error}"}) from None
    return checked


def _check_text(errors: dict, **values: str) -> None:
    for name, value in values.items():
        if not (value or "").strip():
            errors[name] = _("This field is required.")


def _case_for(user, case):
    if case is None:
        return None
    found = visible_cases(user).filter(pk=getattr(case, "pk", case)).first()
    if found is None:
        raise ExchangeError({"case": _("No case you may see has this identifier.")})
    return found


# Messages ----------------------------------------------------------------------------------------

@transaction.atomic
def send_message(user, *, subject: str, body: str, audience: str = Audience.STATES,
                 recipients: Iterable[str] = (), recipient_role: str = "", records=(),
                 notice: bool = False, files=(), parent: Message | None = None, case=None,
                 request=None) -> Message:
    """Send a message with its records and files to the platforms its audience names.

    A reply goes back to the sender of the message it answers (or, from that sender, to the
    message's recipients)."""
    _require(may_send(user), _("Only officers, supervisors and analysts send messages."))
    errors: dict[str, str] = {}
    _check_text(errors, subject=subject, body=body)
    if recipient_role and recipient_role not in OPERATIONAL_ROLES:
        errors["recipient_role"] = _("Unknown role %(role)s.") % {"role": recipient_role[:20]}
    if errors:
        raise ExchangeError(errors)
    if parent is not None:
        parent = visible_messages(user).filter(pk=parent.pk).first()
        if parent is None:
            raise ExchangeError({"parent": _("No message you may read has this identifier.")})
        audience = Audience.STATES
        if parent.sender_id == user.platform_id:
            platforms = [d.platform for d in parent.deliveries.select_related("platform")]
        else:
            platforms = [parent.sender]
    else:
        platforms = audience_platforms(user.platform, audience, recipients)
    if not platforms:
        raise ExchangeError({"recipients": _("No platform would receive this message.")})
    if len(platforms) > MAX_RECIPIENTS:
        raise ExchangeError({"recipients": _("Too many recipients.")})
    case = _case_for(user, case)
    records = list(records)
    if len(records) > MAX_RECORDS:
        raise ExchangeError({"records": _("At most %(count)d records.") % {"count": MAX_RECORDS}})
    decided = sharing.plan(user, records, platforms, notice=notice)
    checked = _check_files(files)

    now = timezone.now()
    message = Message.objects.create(
        sender=user.platform, author=user, audience=audience, recipient_role=recipient_role,
        subject=subject.strip()[:200], body=body.strip(), parent=parent,
        thread=(parent.thread or parent) if parent else None,
        request=parent.request if parent else None, sent_at=now)
    deliveries = [Delivery.objects.create(message=message, platform=p, received_at=now)
                  for p in platforms]
    sharing.share(user, decided, platforms, message=message)
    publish_records(decided.full)
    publish(message)
    for upload, info in checked:
        stored = MessageFile(message=message, filename=info.filename, size=info.size,
                             content_type=info.content_type, sha256=info.sha256)
        stored.file.save(info.sha256, upload, save=False)
        stored.save()
        publish(stored)
    if case is not None:
        _link(user, case, message=message)
    record(AuditAction.CREATE, request=request, actor=user, obj=message, detail={
        "event": "sent", "to": [p.code for p in platforms], "role": recipient_role,
        "records": [str(r.pk) for r in decided.full], "notices": [str(r.pk) for r in decided.notices],
        "files": [info.sha256 for _upload, info in checked],
        "reply_to": str(parent.pk) if parent else ""})
    for delivery in deliveries:
        record(AuditAction.CREATE, request=request, actor=user, obj=delivery,
               detail={"event": "received", "message": str(message.pk),
                       "platform": delivery.platform.code})
    url = reverse("exchange:message_detail", args=[message.pk])
    transaction.on_commit(lambda: notify_all(
        people(platforms, role=recipient_role),
        _("Message from %(platform)s") % {"platform": user.platform.code}, url))
    return message


@transaction.atomic
def read_message(user, message: Message, request=None) -> Delivery | None:
    """Record that `user` read `message`; the first reader of a recipient platform is kept."""
    delivery = message.deliveries.filter(platform=user.platform_id).first()
    if delivery is not None and delivery.read_at is None:
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
            read_at=timezone.now(), read_by=user)
        delivery.refresh_from_db()
        publish(delivery)
    record(AuditAction.READ, request=request, actor=user, obj=message,
           detail={"event": "read"} if delivery is not None else {})
    return delivery


@transaction.atomic
def acknowledge(user, delivery: Delivery, request=None) -> Delivery:
    """The recipient platform confirms it received a message or an alert."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    _require(may_exchange(user) and delivery.platform_id == user.platform_id,
             _("Only the recipient platform acknowledges receipt."))
    if delivery.alert is not None and not delivery.alert.is_active:
        raise ExchangeError({"alert": _("This alert is no longer in force (expired or "
                                        "withdrawn): there is nothing to acknowledge.")})
    if delivery.acknowledged_at is not None:
        raise ExchangeError({"delivery": _("Receipt was already acknowledged.")})
    now = timezone.now()
    delivery.acknowledged_at, delivery.acknowledged_by = now, user
    if delivery.read_at is None:
        delivery.read_at, delivery.read_by = now, user
    delivery.save(update_fields=["acknowledged_at", "acknowledged_by", "read_at", "read_by"])
    publish(delivery)
    record(AuditAction.UPDATE, request=request, actor=user, obj=delivery,
           detail={"event": "acknowledged", "message": str(delivery.message_id or ""),
                   "alert": str(delivery.alert_id or "")})
    return delivery


# Consent -----------------------------------------------------------------------------------------

@transaction.atomic
def ask_consent(user, record_, recipients: Iterable[str], reason: str, request=None
                ) -> ConsentRequest:
    """Ask a record's owner to let it go to named platforms (offered when a sending is refused)."""
    _require(may_send(user), _("Only officers, supervisors and analysts ask for consent."))
    if record_ is None or not can_read(user, record_):
        raise ExchangeError({"record": _("No record you may read has this identifier.")})
    if record_.owner_id == user.platform_id:
        raise ExchangeError({"record": _("Your platform owns this record: no consent is needed.")})
    platforms = platforms_from_codes(recipients, exclude=user.platform)
    errors = {}
    if not platforms:
        errors["recipients"] = _("Name at least one other platform.")
    _check_text(errors, reason=reason)
    if errors:
        raise ExchangeError(errors)
    consent = ConsentRequest.objects.create(
        owner_id=record_.owner_id, requester=user.platform, requested_by=user,
        reason=reason.strip()[:500], **{record_._meta.model_name: record_})
    consent.recipients.set(platforms)
    record(AuditAction.CREATE, request=request, actor=user, obj=consent, detail={
        "event": "consent_requested", "record": str(record_.pk),
        "to": [p.code for p in platforms]})
    url = reverse("exchange:consent_detail", args=[consent.pk])
    transaction.on_commit(lambda: notify_all(
        people([record_.owner], roles=EDITOR_ROLES),
        _("%(platform)s asks your consent to pass on a record") % {"platform": user.platform.code},
        url))
    return consent


@transaction.atomic
def decide_consent(user, consent: ConsentRequest, grant: bool, note: str = "", request=None
                   ) -> ConsentRequest:
    """The owner platform grants or denies; a grant lets that record go to the named platforms."""
    consent = ConsentRequest.objects.select_for_update().get(pk=consent.pk)
    _require(may_exchange(user) and user.has_role(*EDITOR_ROLES)
             and consent.owner_id == user.platform_id,
             _("Only officers and supervisors of the owner platform decide."))
    if consent.status != ConsentStatus.PENDING:
        raise ExchangeError({"status": _("This consent request was already decided.")})
    if not grant and not note.strip():
        raise ExchangeError({"note": _("Say why consent is denied.")})
    consent.status = ConsentStatus.GRANTED if grant else ConsentStatus.DENIED
    consent.decided_by, consent.decided_at = user, timezone.now()
    consent.decision_note = note.strip()[:500]
    consent.save()
    record(AuditAction.UPDATE, request=request, actor=user, obj=consent,
           detail={"event": "consent_" + consent.status})
    url = reverse("exchange:consent_detail", args=[consent.pk])
    title = (_("%(platform)s granted consent to pass on %(reference)s") if grant
             else _("%(platform)s denied consent to pass on %(reference)s"))
    requester = consent.requested_by
    transaction.on_commit(lambda: notify(
        requester, title % {"platform": user.platform.code, "reference": consent.reference}, url))
    return consent


# Requests for information ------------------------------------------------------------------------

@transaction.atomic
def create_request(user, *, recipient: str, subject: str, body: str, purpose: str,
                   due_date: date, priority: str = Priority.NORMAL, legal_basis: str = "",
                   records=(), notice: bool = False, case=None, send: bool = False,
                   request=None) -> InformationRequest:
    """A request for information, as a draft or sent at once."""
    _require(may_send(user), _("Only officers, supervisors and analysts make requests."))
    errors: dict[str, str] = {}
    _check_text(errors, subject=subject, body=body)
    if priority not in Priority.values:
        errors["priority"] = _("Unknown priority %(priority)s.") % {"priority": str(priority)[:20]}
    purpose_ = Purpose.objects.filter(code=purpose, is_active=True).first()
    if purpose_ is None:
        errors["purpose"] = _("Unknown purpose %(purpose)s.") % {"purpose": str(purpose)[:40]}
    if due_date is None or due_date < timezone.localdate():
        errors["due_date"] = _("The answer cannot be expected before today.")
    if errors:
        raise ExchangeError(errors)
    platforms = platforms_from_codes([recipient], field="recipient")
    if not platforms or platforms[0].pk == user.platform_id:
        raise ExchangeError({"recipient": _("Name another platform.")})
    case = _case_for(user, case)
    decided = sharing.plan(user, list(records), platforms, notice=notice)
    info = InformationRequest.objects.create(
        reference=_next_reference(InformationRequest, user.platform, "RFI"),
        requester=user.platform, recipient=platforms[0], author=user, subject=subject.strip()[:200],
        body=body.strip(), priority=priority, due_date=due_date, purpose=purpose_,
        legal_basis=(legal_basis or purpose_.legal_basis).strip()[:300])
    sharing.share(user, decided, [], request=info)
    RequestStep.objects.create(request=info, status=RequestStatus.DRAFT, actor=user)
    if case is not None:
        _link(user, case, request=info)
    record(AuditAction.CREATE, request=request, actor=user, obj=info,
           detail={"event": "drafted", "to": platforms[0].code, "purpose": purpose_.code})
    if send:
        info = send_request(user, info, request=request)
    return info


def _transition(user, info: InformationRequest, action: str, comment: str = "") -> InformationRequest:
    starts, target, side = TRANSITIONS[action]
    info = InformationRequest.objects.select_for_update().get(pk=info.pk)
    platform_id = info.requester_id if side == "requester" else info.recipient_id
    _require(may_send(user) and user.platform_id == platform_id
             and visible_requests(user).filter(pk=info.pk).exists(),
             _("Only the requesting platform does this.") if side == "requester"
             else _("Only the requested platform does this."))
    if info.status not in starts:
        if info.status == RequestStatus.CLOSED:
            raise ExchangeError({"status": _("This request is closed: it can no longer be "
                                             "changed or answered.")})
        raise ExchangeError({"status": _("A request that is %(status)s cannot be %(action)s.") % {
            "status": info.get_status_display().lower(), "action": _ACTION_LABELS[action]}})
    info.status = target
    RequestStep.objects.create(request=info, status=target, actor=user, comment=comment[:500])
    return info


_ACTION_LABELS = {
    "send": gettext_lazy("sent"), "accept": gettext_lazy("accepted"),
    "answer": gettext_lazy("answered"), "decline": gettext_lazy("declined"),
    "close": gettext_lazy("closed"),
}


def _publish_request(info: InformationRequest) -> None:
    """The request, then each of its steps this platform took (the others' belong to them)."""
    publish(info)
    for step in info.steps.all():
        publish(step)


def _audit_step(user, info, action: str, request, **detail) -> None:
    record(AuditAction.UPDATE, request=request, actor=user, obj=info,
           detail={"event": action, "status": info.status, **detail})


def _request_url(info) -> str:
    return reverse("exchange:request_detail", args=[info.pk])


@transaction.atomic
def send_request(user, info: InformationRequest, request=None) -> InformationRequest:
    info = _transition(user, info, "send")
    full = [s.record for s in info.records.filter(mode="full", in_answer=False)]
    sharing.grant(user, full, [info.recipient], request=info)
    info.sent_at = timezone.now()
    info.save(update_fields=["status", "sent_at"])
    publish_records(full)
    _publish_request(info)
    _audit_step(user, info, "sent", request, to=info.recipient.code)
    title = _("Request for information %(reference)s from %(platform)s") % {
        "reference": info.reference, "platform": info.requester.code}
    transaction.on_commit(lambda: notify_all(people([info.recipient], roles=EDITOR_ROLES + (
        "analyst",)), title, _request_url(info)))
    return info


@transaction.atomic
def accept_request(user, info: InformationRequest, comment: str = "", request=None
                   ) -> InformationRequest:
    info = _transition(user, info, "accept", comment)
    info.save(update_fields=["status"])
    _publish_request(info)
    _audit_step(user, info, "accepted", request)
    author = info.author
    transaction.on_commit(lambda: notify(author, _("%(reference)s accepted by %(platform)s") % {
        "reference": info.reference, "platform": info.recipient.code}, _request_url(info),
        NotificationLevel.INFO))
    return info


@transaction.atomic
def answer_request(user, info: InformationRequest, answer: str, records=(), notice: bool = False,
                   request=None) -> InformationRequest:
    """Answer with text and possibly records, which go to the requesting platform."""
    info = _transition(user, info, "answer")
    if not (answer or "").strip():
        raise ExchangeError({"answer": _("Write the answer.")})
    decided = sharing.plan(user, list(records), [info.requester], notice=notice)
    sharing.share(user, decided, [info.requester], request=info, in_answer=True)
    info.answer, info.answered_at = answer.strip(), timezone.now()
    info.save(update_fields=["status", "answer", "answered_at"])
    publish_records(decided.full)
    _publish_request(info)
    _audit_step(user, info, "answered", request, records=[str(r.pk) for r in decided.full],
                notices=[str(r.pk) for r in decided.notices])
    author = info.author
    transaction.on_commit(lambda: notify(author, _("%(platform)s answered %(reference)s") % {
        "reference": info.reference, "platform": info.recipient.code}, _request_url(info)))
    return info


@transaction.atomic
def decline_request(user, info: InformationRequest, reason: str, request=None
                    ) -> InformationRequest:
    info = _transition(user, info, "decline", reason)
    if not (reason or "").strip():
        raise ExchangeError({"reason": _("Say why the request is declined.")})
    info.decline_reason = reason.strip()[:500]
    info.save(update_fields=["status", "decline_reason"])
    _publish_request(info)
    _audit_step(user, info, "declined", request)
    author = info.author
    transaction.on_commit(lambda: notify(author, _("%(platform)s declined %(reference)s") % {
        "reference": info.reference, "platform": info.recipient.code}, _request_url(info)))
    return info


@transaction.atomic
def close_request(user, info: InformationRequest, comment: str = "", request=None
                  ) -> InformationRequest:
    info = _transition(user, info, "close", comment)
    info.save(update_fields=["status"])
    _publish_request(info)
    _audit_step(user, info, "closed", request)
    return info


# Alerts ------------------------------------------------------------------------------------------

def _alert_subject(user, kind: str, entity: Entity | None, schema_name: str, properties: dict
                   ) -> tuple[Entity | None, dict]:
    allowed = ALERT_SCHEMATA[AlertKind(kind)]
    if entity is not None:
        if not can_read(user, entity):
            raise ExchangeError({"entity": _("No record you may read has this identifier.")})
        if entity.schema not in allowed:
            raise ExchangeError({"entity": _("An alert of this kind describes: %(types)s.") % {
                "types": ", ".join(allowed)}})
        return entity, {"schema": entity.schema, "properties": entity.properties}
    if not properties:
        if kind == AlertKind.THREAT:
            return None, {}
        raise ExchangeError({"subject": _("Describe the person, vehicle, document or firearm, "
                                          "or choose a record.")})
    if schema_name not in allowed:
        raise ExchangeError({"schema": _("An alert of this kind describes: %(types)s.") % {
            "types": ", ".join(allowed)}})
    cleaned = ftm.clean_properties(ftm.get_schema(schema_name), properties,
                                   default_country=user.platform.country_id)
    if cleaned.errors:
        raise ExchangeError(cleaned.errors)
    return None, {"schema": schema_name, "properties": cleaned.properties}


@transaction.atomic
def create_alert(user, *, kind: str, title: str, instructions: str, valid_from: datetime,
                 valid_until: datetime, dissemination: str = Dissemination.ALL,
                 recipients: Iterable[str] = (), classification: int = 1,
                 entity: Entity | None = None, schema: str = "", properties: dict | None = None,
                 case=None, request=None) -> Alert:
    """Draft an alert; a supervisor other than its author validates it before it is broadcast."""
    _require(may_send(user), _("Only officers, supervisors and analysts issue alerts."))
    errors: dict[str, str] = {}
    _check_text(errors, title=title, instructions=instructions)
    if kind not in AlertKind.values:
        errors["kind"] = _("Unknown kind of alert %(kind)s.") % {"kind": str(kind)[:20]}
    if dissemination not in Dissemination.values:
        errors["dissemination"] = _("Unknown dissemination %(value)s.") % {
            "value": str(dissemination)[:20]}
    if classification not in range(0, user.clearance + 1):
        errors["classification"] = _("Above your clearance.")
    if valid_from is None or valid_until is None or valid_until <= valid_from:
        errors["valid_until"] = _("The end of validity must follow its start.")
    elif valid_until <= timezone.now():
        errors["valid_until"] = _("This alert would already be expired.")
    if errors:
        raise ExchangeError(errors)
    platforms = audience_platforms(user.platform, dissemination, recipients)
    entity, subject = _alert_subject(user, kind, entity, schema, properties or {})
    if entity is not None:
        sharing.plan(user, [entity], platforms)
    case = _case_for(user, case)
    alert = Alert.objects.create(
        reference=_next_reference(Alert, user.platform, "AL"), kind=kind, issuer=user.platform,
        author=user, title=title.strip()[:200], instructions=instructions.strip(), entity=entity,
        subject=subject, dissemination=dissemination, classification=classification,
        valid_from=valid_from, valid_until=valid_until)
    if dissemination == Dissemination.NAMED:
        alert.recipients.set(platforms)
    if case is not None:
        _link(user, case, alert=alert)
    record(AuditAction.CREATE, request=request, actor=user, obj=alert,
           detail={"event": "drafted", "kind": kind})
    return alert


def _alert_for_update(user, alert: Alert) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.is_expired:
        raise ExchangeError({"alert": _("This alert expired on %(date)s: it can no longer be "
                                        "changed or broadcast.") % {
            "date": timezone.localtime(alert.valid_until).strftime("%Y-%m-%d %H:%M")}})
    return alert


@transaction.atomic
def submit_alert(user, alert: Alert, request=None) -> Alert:
    alert = _alert_for_update(user, alert)
    _require(may_send(user) and alert.issuer_id == user.platform_id,
             _("Only the issuing platform submits this alert."))
    if alert.status != AlertStatus.DRAFT:
        raise ExchangeError({"status": _("Only a draft alert can be submitted.")})
    alert.status, alert.submitted_at = AlertStatus.SUBMITTED, timezone.now()
    alert.save(update_fields=["status", "submitted_at"])
    record(AuditAction.UPDATE, request=request, actor=user, obj=alert,
           detail={"event": "submitted"})
    url = reverse("exchange:alert_detail", args=[alert.pk])
    transaction.on_commit(lambda: notify_all(
        people([alert.issuer], roles=("supervisor",)).exclude(pk=alert.author_id),
        _("Alert %(reference)s awaits validation") % {"reference": alert.reference}, url))
    return alert


def can_validate_alert(user, alert: Alert) -> bool:
    """Four eyes: a supervisor of the issuing platform other than the author."""
    return (may_exchange(user) and user.has_role("supervisor")
            and alert.issuer_id == user.platform_id and alert.author_id != user.pk
            and alert.status == AlertStatus.SUBMITTED and alert.classification <= user.clearance)


@transaction.atomic
def validate_alert(user, alert: Alert, request=None) -> Alert:
    """Validate and broadcast to the platforms the alert's handling code allows."""
    alert = _alert_for_update(user, alert)
    if alert.status != AlertStatus.SUBMITTED:
        raise ExchangeError({"status": _("Only an alert awaiting validation can be validated.")})
    _require(can_validate_alert(user, alert),
             _("A supervisor of the issuing platform other than its author validates it."))
    platforms = audience_platforms(alert.issuer, alert.dissemination,
                                   [p.code for p in alert.recipients.all()])
    if alert.entity_id:
        sharing.plan(alert.author, [alert.entity], platforms)
    now = timezone.now()
    alert.status, alert.validated_by, alert.validated_at = AlertStatus.ACTIVE, user, now
    alert.save(update_fields=["status", "validated_by", "validated_at"])
    for platform in platforms:
        delivery = Delivery.objects.create(alert=alert, platform=platform, received_at=now)
        record(AuditAction.CREATE, request=request, actor=user, obj=delivery,
               detail={"event": "received", "alert": str(alert.pk), "platform": platform.code})
    publish(alert)
    record(AuditAction.UPDATE, request=request, actor=user, obj=alert,
           detail={"event": "broadcast", "to": [p.code for p in platforms]})
    url = reverse("exchange:alert_detail", args=[alert.pk])
    title = _("Alert %(reference)s: %(kind)s") % {"reference": alert.reference,
                                                   "kind": alert.get_kind_display()}
    transaction.on_commit(lambda: notify_all(people(platforms), title, url,
                                              NotificationLevel.ALERT))
    return alert


@transaction.atomic
def withdraw_alert(user, alert: Alert, request=None) -> Alert:
    alert = _alert_for_update(user, alert)
    _require(may_send(user) and alert.issuer_id == user.platform_id,
             _("Only the issuing platform withdraws this alert."))
    if alert.status == AlertStatus.WITHDRAWN:
        raise ExchangeError({"status": _("This alert was already withdrawn.")})
    alert.status, alert.withdrawn_at = AlertStatus.WITHDRAWN, timezone.now()
    alert.save(update_fields=["status", "withdrawn_at"])
    publish(alert)
    record(AuditAction.UPDATE, request=request, actor=user, obj=alert,
           detail={"event": "withdrawn"})
    return alert


@transaction.atomic
def review_hit(user, hit: AlertHit, request=None) -> AlertHit:
    """Someone of the issuing or the matching platform has looked at the hit."""
    hit = AlertHit.objects.select_for_update().get(pk=hit.pk)
    _require(may_exchange(user) and user.platform_id in (hit.platform_id, hit.alert.issuer_id),
             _("Only the platforms concerned review this hit."))
    if hit.reviewed_at is None:
        hit.reviewed_at, hit.reviewed_by = timezone.now(), user
        hit.save(update_fields=["reviewed_at", "reviewed_by"])
        record(AuditAction.UPDATE, request=request, actor=user, obj=hit,
               detail={"event": "reviewed"})
    return hit


# Cases -------------------------------------------------------------------------------------------

@transaction.atomic
def open_case(user, *, title: str, description: str = "", participants: Iterable[str] = (),
              request=None) -> Case:
    _require(may_send(user), _("Only officers, supervisors and analysts open cases."))
    errors: dict[str, str] = {}
    _check_text(errors, title=title)
    if errors:
        raise ExchangeError(errors)
    platforms = platforms_from_codes(participants, field="participants", exclude=user.platform)
    case = Case.objects.create(reference=_next_reference(Case, user.platform, "CASE"),
                               title=title.strip()[:200], description=description.strip(),
                               owner=user.platform, created_by=user)
    case.participants.set(platforms)
    publish(case)
    record(AuditAction.CREATE, request=request, actor=user, obj=case,
           detail={"event": "opened", "shared_with": [p.code for p in platforms]})
    return case


@transaction.atomic
def share_case(user, case: Case, participants: Iterable[str], request=None) -> Case:
    """The owner platform decides which platforms work on the case."""
    _require(may_send(user) and case.owner_id == user.platform_id,
             _("Only the owner platform shares this case."))
    platforms = platforms_from_codes(participants, field="participants", exclude=user.platform)
    case.participants.set(platforms)
    _publish_case(case)
    record(AuditAction.UPDATE, request=request, actor=user, obj=case,
           detail={"event": "shared", "shared_with": [p.code for p in platforms]})
    url = reverse("exchange:case_detail", args=[case.pk])
    transaction.on_commit(lambda: notify_all(
        people(platforms, roles=("officer", "supervisor", "analyst")),
        _("Case %(reference)s is shared with your platform") % {"reference": case.reference},
        url, NotificationLevel.INFO))
    return case


def _publish_case(case: Case) -> None:
    """The case, then what this platform filed in it (for participants that joined since)."""
    publish(case)
    for link in case.links.all():
        publish(link)


def _link(user, case: Case, **item) -> CaseLink:
    link, created = CaseLink.objects.get_or_create(
        case=case, **item, defaults={"added_by": user, "platform_id": user.platform_id})
    if created:
        publish(link)
        (name, obj), = item.items()
        record(AuditAction.UPDATE, actor=user, obj=case,
               detail={"event": "linked", "kind": name, "item": str(obj.pk)})
    return link


@transaction.atomic
def link_to_case(user, case: Case, item, request=None) -> CaseLink:
    """File a report, entity, message, request or alert the user may see in a case."""
    _require(may_send(user) and visible_cases(user).filter(pk=case.pk).exists(),
             _("Only the platforms working on the case file items in it."))
    if case.status == CaseStatus.CLOSED:
        raise ExchangeError({"case": _("This case is closed.")})
    name = item._meta.model_name if item is not None else ""
    visible = {
        "report": lambda: can_read(user, item),
        "entity": lambda: can_read(user, item),
        "message": lambda: visible_messages(user).filter(pk=item.pk).exists(),
        "informationrequest": lambda: visible_requests(user).filter(pk=item.pk).exists(),
        "alert": lambda: visible_alerts(user).filter(pk=item.pk).exists(),
    }
    if name not in visible or not visible[name]():
        raise ExchangeError({"item": _("Nothing you may see has this identifier.")})
    field = {"informationrequest": "request"}.get(name, name)
    return _link(user, case, **{field: item})


@transaction.atomic
def close_case(user, case: Case, request=None) -> Case:
    _require(may_send(user) and case.owner_id == user.platform_id,
             _("Only the owner platform closes this case."))
    case.status = CaseStatus.CLOSED
    case.save(update_fields=["status"])
    publish(case)
    record(AuditAction.UPDATE, request=request, actor=user, obj=case, detail={"event": "closed"})
    return case


def shared_records(item) -> list[SharedRecord]:
    return list(item.records.select_related("owner", "report", "entity"))


def linkable(user, kind: str, identifier: str):
    """The report (by reference or id), entity, message, request or alert `user` may see."""
    if kind in ("report", "entity"):
        return sharing.resolve(user, [identifier])[0]
    querysets = {"message": visible_messages, "request": visible_requests,
                 "alert": visible_alerts}
    if kind not in querysets:
        raise ExchangeError({"kind": _("Unknown kind %(kind)s.") % {"kind": kind[:20]}})
    queryset = querysets[kind](user)
    found = None
    if kind in ("request", "alert"):
        found = queryset.filter(reference=identifier.strip()).first()
    if found is None:
        try:
            found = queryset.filter(pk=uuid.UUID(identifier.strip())).first()
        except ValueError:
            found = None
    if found is None:
        raise ExchangeError({"item": _("Nothing you may see has this identifier.")})
    return found
