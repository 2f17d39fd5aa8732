"""The exchange through the REST API: the same rules as the pages, through the same actions."""

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as StatusResponse

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.exchange import actions, alerts, sharing
from pcms.exchange.choices import (
    AlertKind,
    AlertStatus,
    Audience,
    CaseStatus,
    ConsentStatus,
    HitSource,
    Priority,
    RequestStatus,
    ShareMode,
)
from pcms.exchange.filtersets import (
    AlertFilterSet,
    CaseFilterSet,
    MessageFilterSet,
    RequestFilterSet,
)
from pcms.exchange.inbox import inbox
from pcms.exchange.models import Delivery
from pcms.exchange.sharing import ExchangeError
from pcms.exchange.timeline import timeline, visible_links
from pcms.exchange.visibility import (
    may_exchange,
    visible_alerts,
    visible_cases,
    visible_consents,
    visible_hits,
    visible_messages,
    visible_requests,
)
from pcms.records.choices import Dissemination
from pcms.records.models import Entity
from pcms.records.visibility import can_read

router = Router(tags=["exchange"])


def _user(request: HttpRequest):
    if not may_exchange(request.user):
        raise HttpError(403, "Your roles give no access to the exchange.")
    return request.user


def _run(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except ExchangeError as error:
        raise HttpError(422, str(error)) from None
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Not allowed.") from None


def _records(request: HttpRequest, references: list[str]) -> list:
    return _run(sharing.resolve, request.user, references)


class SharedRecordOut(Schema):
    mode: ShareMode
    owner: str
    reference: str
    kind: str
    id: UUID | None = Field(None, description="Set when the caller may read the record.")


def _shared_out(request: HttpRequest, item, in_answer: bool | None = None) -> list[SharedRecordOut]:
    rows = []
    for shared in actions.shared_records(item):
        if in_answer is not None and shared.in_answer != in_answer:
            continue
        readable = (shared.mode == ShareMode.FULL and shared.record is not None
                    and can_read(request.user, shared.record))
        rows.append(SharedRecordOut(
            mode=shared.mode, owner=shared.owner.code, reference=shared.reference,
            kind="report" if shared.report_id else "entity",
            id=shared.record.pk if readable else None))
    return rows


# Inbox -------------------------------------------------------------------------------------------

class InboxOut(Schema):
    messages: int
    incoming_requests: int
    outgoing_requests: int
    overdue_requests: int
    consents: int
    alerts: int
    alerts_to_validate: int
    hits: int
    total: int


@router.get("/inbox", response=InboxOut, summary="What awaits the caller's action")
def get_inbox(request: HttpRequest):
    box = inbox(_user(request))
    return {**box.counts, "total": box.total}


# Messages ----------------------------------------------------------------------------------------

class DeliveryOut(Schema):
    id: UUID
    platform: str
    received_at: datetime | None
    read_at: datetime | None
    read_by: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None


def _delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.pk, platform=delivery.platform.code, received_at=delivery.received_at,
        read_at=delivery.read_at, acknowledged_at=delivery.acknowledged_at,
        read_by=delivery.read_by_label or None,
        acknowledged_by=delivery.acknowledged_by_label or None)


class MessageSummaryOut(Schema):
    id: UUID
    subject: str
    sender: str
    audience: Audience
    recipient_role: str
    sent_at: datetime
    parent: UUID | None
    request: UUID | None


class MessageOut(MessageSummaryOut):
    body: str
    author: str
    records: list[SharedRecordOut]
    deliveries: list[DeliveryOut] = Field(description="Shown to the sending platform only.")
    my_delivery: DeliveryOut | None = None


def _message_summary(message) -> MessageSummaryOut:
    return MessageSummaryOut(id=message.pk, subject=message.subject, sender=message.sender.code,
                             audience=message.audience, recipient_role=message.recipient_role,
                             sent_at=message.sent_at, parent=message.parent_id,
                             request=message.request_id)


def _message_out(request: HttpRequest, message, delivery=None) -> MessageOut:
    mine = message.sender_id == request.user.platform_id
    deliveries = message.deliveries.select_related("platform", "read_by", "acknowledged_by")
    return MessageOut(
        **_message_summary(message).dict(), body=message.body,
        author=message.author_label, records=_shared_out(request, message),
        deliveries=[_delivery_out(d) for d in deliveries] if mine else [],
        my_delivery=_delivery_out(delivery) if delivery is not None else None)


class MessageIn(Schema):
    subject: str = Field(max_length=200)
    body: str = Field(max_length=20_000)
    audience: Audience = Audience.STATES
    recipients: list[str] = Field(default_factory=list, max_length=20,
                                  description="Platform codes, for audience `states`.")
    recipient_role: str = Field("", max_length=20)
    records: list[str] = Field(default_factory=list, max_length=50,
                               description="Report references or entity identifiers.")
    notice: bool = Field(False, description="Send records that may not be passed on as a notice "
                                            "that a hit exists.")
    case: UUID | None = None


class ReplyIn(Schema):
    body: str = Field(max_length=20_000)
    records: list[str] = Field(default_factory=list, max_length=50)
    notice: bool = False


class MessageFilters(Schema):
    q: str | None = Field(None, max_length=100)
    box: str | None = Field(None, pattern="^(received|sent)$")


def _filtered(filterset_class, queryset, filters: Schema, request: HttpRequest):
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return filterset_class(params, queryset=queryset, request=request).qs


@router.get("/messages", response=list[MessageSummaryOut], summary="Messages sent or received")
@paginate
def list_messages(request: HttpRequest, filters: Query[MessageFilters]):
    queryset = visible_messages(_user(request)).select_related("sender")
    found = _filtered(MessageFilterSet, queryset, filters, request)
    record(AuditAction.SEARCH, request=request, object_type="exchange.message",
           detail={"filters": {k: str(v)[:100] for k, v in filters.dict().items() if v}})
    return [_message_summary(message) for message in found]


@router.post("/messages", response={201: MessageOut}, summary="Send a message")
def send_message(request: HttpRequest, payload: MessageIn):
    user = _user(request)
    records = _records(request, payload.records)
    message = _run(actions.send_message, user, subject=payload.subject, body=payload.body,
                   audience=payload.audience, recipients=payload.recipients,
                   recipient_role=payload.recipient_role, records=records,
                   notice=payload.notice, case=payload.case, request=request)
    return StatusResponse(201, _message_out(request, message))


def _visible_message(request: HttpRequest, pk: UUID):
    return get_object_or_404(visible_messages(_user(request)).select_related("sender", "author"),
                             pk=pk)


@router.get("/messages/{pk}", response=MessageOut, summary="Read a message (recorded as read)")
def get_message(request: HttpRequest, pk: UUID):
    message = _visible_message(request, pk)
    delivery = actions.read_message(request.user, message, request=request)
    return _message_out(request, message, delivery)


@router.post("/messages/{pk}/reply", response={201: MessageOut}, summary="Reply in the thread")
def reply(request: HttpRequest, pk: UUID, payload: ReplyIn):
    parent = _visible_message(request, pk)
    records = _records(request, payload.records)
    message = _run(actions.send_message, request.user, subject=f"Re: {parent.subject}"[:200],
                   body=payload.body, records=records, notice=payload.notice, parent=parent,
                   request=request)
    return StatusResponse(201, _message_out(request, message))


@router.post("/messages/{pk}/acknowledge", response=DeliveryOut, summary="Acknowledge receipt")
def acknowledge_message(request: HttpRequest, pk: UUID):
    message = _visible_message(request, pk)
    delivery = get_object_or_404(message.deliveries, platform=request.user.platform_id)
    return _delivery_out(_run(actions.acknowledge, request.user, delivery, request=request))


# Consent -----------------------------------------------------------------------------------------

class ConsentIn(Schema):
    record: str = Field(max_length=80, description="Report reference or entity identifier.")
    recipients: list[str] = Field(max_length=20)
    reason: str = Field(max_length=500)


class ConsentOut(Schema):
    id: UUID
    owner: str
    requester: str
    reference: str
    recipients: list[str]
    reason: str
    status: ConsentStatus
    decided_at: datetime | None
    decision_note: str


class DecisionIn(Schema):
    grant: bool
    note: str = Field("", max_length=500)


def _consent_out(consent) -> ConsentOut:
    return ConsentOut(id=consent.pk, owner=consent.owner.code, requester=consent.requester.code,
                      reference=consent.reference,
                      recipients=sorted(p.code for p in consent.recipients.all()),
                      reason=consent.reason, status=consent.status,
                      decided_at=consent.decided_at, decision_note=consent.decision_note)


@router.get("/consents", response=list[ConsentOut], summary="Consent requests made or received")
@paginate
def list_consents(request: HttpRequest):
    return [_consent_out(c) for c in visible_consents(_user(request)).select_related(
        "owner", "requester", "report", "entity__origin").prefetch_related("recipients")]


@router.post("/consents", response={201: ConsentOut}, summary="Ask a record's owner for consent")
def ask_consent(request: HttpRequest, payload: ConsentIn):
    user = _user(request)
    found = _records(request, [payload.record])
    if not found:
        raise HttpError(422, "Name the record: a report reference or an entity identifier.")
    consent = _run(actions.ask_consent, user, found[0], payload.recipients, payload.reason,
                   request=request)
    return StatusResponse(201, _consent_out(consent))


@router.post("/consents/{pk}/decide", response=ConsentOut, summary="Grant or deny (owner platform)")
def decide_consent(request: HttpRequest, pk: UUID, payload: DecisionIn):
    consent = get_object_or_404(visible_consents(_user(request)), pk=pk)
    return _consent_out(_run(actions.decide_consent, request.user, consent, payload.grant,
                             payload.note, request=request))


# Requests for information ------------------------------------------------------------------------

class RequestSummaryOut(Schema):
    id: UUID
    reference: str
    requester: str
    recipient: str
    subject: str
    priority: Priority
    due_date: date
    status: RequestStatus
    overdue: bool


class StepOut(Schema):
    status: RequestStatus
    platform: str
    actor: str
    at: datetime
    comment: str


class RequestOut(RequestSummaryOut):
    body: str
    purpose: str
    legal_basis: str
    records: list[SharedRecordOut]
    answer: str
    answer_records: list[SharedRecordOut]
    answered_at: datetime | None
    decline_reason: str
    steps: list[StepOut]


class RequestIn(Schema):
    recipient: str = Field(max_length=8)
    subject: str = Field(max_length=200)
    body: str = Field(max_length=20_000)
    purpose: str = Field(max_length=40, description="A purpose code (GET /reference/purposes).")
    due_date: date
    priority: Priority = Priority.NORMAL
    legal_basis: str = Field("", max_length=300)
    records: list[str] = Field(default_factory=list, max_length=50)
    notice: bool = False
    case: UUID | None = None
    send: bool = Field(True, description="False keeps it as a draft.")


class AnswerIn(Schema):
    answer: str = Field(max_length=20_000)
    records: list[str] = Field(default_factory=list, max_length=50)
    notice: bool = False


class CommentIn(Schema):
    comment: str = Field("", max_length=500)


class RequestFilters(Schema):
    q: str | None = Field(None, max_length=100)
    side: str | None = Field(None, pattern="^(incoming|outgoing)$")
    status: RequestStatus | None = None
    priority: Priority | None = None
    overdue: bool | None = None


def _request_summary(info) -> RequestSummaryOut:
    return RequestSummaryOut(id=info.pk, reference=info.reference, requester=info.requester.code,
                             recipient=info.recipient.code, subject=info.subject,
                             priority=info.priority, due_date=info.due_date, status=info.status,
                             overdue=info.is_overdue)


def _request_out(request: HttpRequest, info) -> RequestOut:
    return RequestOut(
        **_request_summary(info).dict(), body=info.body, purpose=info.purpose.code,
        legal_basis=info.legal_basis, records=_shared_out(request, info, in_answer=False),
        answer=info.answer, answer_records=_shared_out(request, info, in_answer=True),
        answered_at=info.answered_at, decline_reason=info.decline_reason,
        steps=[StepOut(status=s.status, platform=s.platform.code,
                       actor=s.actor_label, at=s.at, comment=s.comment)
               for s in info.steps.select_related("actor", "request__requester", "request__recipient")])


def _visible_request(request: HttpRequest, pk: UUID):
    return get_object_or_404(visible_requests(_user(request)).select_related(
        "requester", "recipient", "purpose"), pk=pk)


@router.get("/requests", response=list[RequestSummaryOut], summary="Requests made or received")
@paginate
def list_requests(request: HttpRequest, filters: Query[RequestFilters]):
    queryset = visible_requests(_user(request)).select_related("requester", "recipient")
    found = _filtered(RequestFilterSet, queryset, filters, request)
    record(AuditAction.SEARCH, request=request, object_type="exchange.informationrequest",
           detail={"filters": {k: str(v)[:100] for k, v in filters.dict().items() if v}})
    return [_request_summary(info) for info in found]


@router.post("/requests", response={201: RequestOut}, summary="Make a request for information")
def create_request(request: HttpRequest, payload: RequestIn):
    user = _user(request)
    records = _records(request, payload.records)
    info = _run(actions.create_request, user, recipient=payload.recipient,
                subject=payload.subject, body=payload.body, purpose=payload.purpose,
                due_date=payload.due_date, priority=payload.priority,
                legal_basis=payload.legal_basis, records=records, notice=payload.notice,
                case=payload.case, send=payload.send, request=request)
    return StatusResponse(201, _request_out(request, info))


@router.get("/requests/{pk}", response=RequestOut, summary="One request with its answer")
def get_request(request: HttpRequest, pk: UUID):
    info = _visible_request(request, pk)
    record(AuditAction.READ, request=request, obj=info)
    return _request_out(request, info)


@router.post("/requests/{pk}/send", response=RequestOut, summary="Send a draft")
def send_request(request: HttpRequest, pk: UUID):
    info = _run(actions.send_request, request.user, _visible_request(request, pk), request=request)
    return _request_out(request, info)


@router.post("/requests/{pk}/accept", response=RequestOut, summary="Accept (requested platform)")
def accept_request(request: HttpRequest, pk: UUID, payload: CommentIn):
    info = _run(actions.accept_request, request.user, _visible_request(request, pk),
                payload.comment, request=request)
    return _request_out(request, info)


@router.post("/requests/{pk}/answer", response=RequestOut, summary="Answer, possibly with records")
def answer_request(request: HttpRequest, pk: UUID, payload: AnswerIn):
    info = _visible_request(request, pk)
    records = _records(request, payload.records)
    info = _run(actions.answer_request, request.user, info, payload.answer, records,
                notice=payload.notice, request=request)
    return _request_out(request, info)


@router.post("/requests/{pk}/decline", response=RequestOut, summary="Decline with a reason")
def decline_request(request: HttpRequest, pk: UUID, payload: CommentIn):
    info = _run(actions.decline_request, request.user, _visible_request(request, pk),
                payload.comment, request=request)
    return _request_out(request, info)


@router.post("/requests/{pk}/close", response=RequestOut, summary="Close (requesting platform)")
def close_request(request: HttpRequest, pk: UUID, payload: CommentIn):
    info = _run(actions.close_request, request.user, _visible_request(request, pk),
                payload.comment, request=request)
    return _request_out(request, info)


# Alerts ------------------------------------------------------------------------------------------

class AlertSummaryOut(Schema):
    id: UUID
    reference: str
    kind: AlertKind
    issuer: str
    title: str
    status: AlertStatus
    valid_from: datetime
    valid_until: datetime
    expired: bool


class AlertOut(AlertSummaryOut):
    instructions: str
    subject: dict
    entity: UUID | None
    dissemination: Dissemination
    classification: int
    deliveries: list[DeliveryOut]


class AlertIn(Schema):
    kind: AlertKind
    title: str = Field(max_length=200)
    instructions: str = Field(max_length=5_000)
    valid_from: datetime
    valid_until: datetime
    dissemination: Dissemination = Dissemination.ALL
    recipients: list[str] = Field(default_factory=list, max_length=20)
    classification: int = Field(1, ge=0, le=3)
    entity: UUID | None = None
    subject: dict | None = Field(None, description='{"schema": "Person", "properties": {...}}')
    case: UUID | None = None


class AlertFilters(Schema):
    q: str | None = Field(None, max_length=100)
    kind: AlertKind | None = None
    status: AlertStatus | None = None


class HitOut(Schema):
    id: UUID
    alert: UUID
    alert_reference: str
    platform: str
    source: HitSource
    reference: str
    entity: UUID | None
    score: float
    explanation: list[dict]
    found_at: datetime
    reviewed_at: datetime | None


def _alert_summary(alert) -> AlertSummaryOut:
    return AlertSummaryOut(id=alert.pk, reference=alert.reference, kind=alert.kind,
                           issuer=alert.issuer.code, title=alert.title, status=alert.status,
                           valid_from=alert.valid_from, valid_until=alert.valid_until,
                           expired=alert.is_expired)


def _alert_out(request: HttpRequest, alert) -> AlertOut:
    mine = alert.issuer_id == request.user.platform_id
    deliveries = alert.deliveries.select_related("platform", "read_by", "acknowledged_by")
    return AlertOut(**_alert_summary(alert).dict(), instructions=alert.instructions,
                    subject=alert.subject, dissemination=alert.dissemination,
                    entity=alert.entity_id if alert.entity_id and can_read(
                        request.user, alert.entity) else None,
                    classification=alert.classification,
                    deliveries=[_delivery_out(d) for d in deliveries] if mine else [])


def _hit_out(request: HttpRequest, hit) -> HitOut:
    return HitOut(id=hit.pk, alert=hit.alert_id, alert_reference=hit.alert.reference,
                  platform=hit.platform.code, source=hit.source, reference=hit.reference,
                  entity=hit.entity_id if hit.entity_id and can_read(request.user, hit.entity)
                  else None, score=hit.score, explanation=hit.explanation,
                  found_at=hit.found_at, reviewed_at=hit.reviewed_at)


def _visible_alert(request: HttpRequest, pk: UUID):
    return get_object_or_404(visible_alerts(_user(request)).select_related("issuer"), pk=pk)


@router.get("/alerts", response=list[AlertSummaryOut], summary="Alerts issued or received")
@paginate
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]):
    queryset = visible_alerts(_user(request)).select_related("issuer")
    found = _filtered(AlertFilterSet, queryset, filters, request)
    record(AuditAction.SEARCH, request=request, object_type="exchange.alert",
           detail={"filters": {k: str(v)[:100] for k, v in filters.dict().items() if v}})
    return [_alert_summary(alert) for alert in found]


@router.post("/alerts", response={201: AlertOut}, summary="Draft an alert")
def create_alert(request: HttpRequest, payload: AlertIn):
    user = _user(request)
    entity = None
    if payload.entity:
        entity = _records(request, [str(payload.entity)])[0]
        if not isinstance(entity, Entity):
            raise HttpError(422, "entity: not an entity")
    subject = payload.subject or {}
    alert = _run(actions.create_alert, user, kind=payload.kind, title=payload.title,
                 instructions=payload.instructions, valid_from=payload.valid_from,
                 valid_until=payload.valid_until, dissemination=payload.dissemination,
                 recipients=payload.recipients, classification=payload.classification,
                 entity=entity, schema=str(subject.get("schema", "")),
                 properties=subject.get("properties") or {}, case=payload.case, request=request)
    return StatusResponse(201, _alert_out(request, alert))


@router.get("/alerts/{pk}", response=AlertOut, summary="One alert")
def get_alert(request: HttpRequest, pk: UUID):
    alert = _visible_alert(request, pk)
    record(AuditAction.READ, request=request, obj=alert)
    return _alert_out(request, alert)


@router.post("/alerts/{pk}/submit", response=AlertOut, summary="Submit for validation")
def submit_alert(request: HttpRequest, pk: UUID):
    alert = _run(actions.submit_alert, request.user, _visible_alert(request, pk), request=request)
    return _alert_out(request, alert)


@router.post("/alerts/{pk}/validate", response=AlertOut,
             summary="Validate and broadcast (a supervisor other than the author)")
def validate_alert(request: HttpRequest, pk: UUID):
    alert = _run(actions.validate_alert, request.user, _visible_alert(request, pk), request=request)
    return _alert_out(request, alert)


@router.post("/alerts/{pk}/withdraw", response=AlertOut, summary="Withdraw")
def withdraw_alert(request: HttpRequest, pk: UUID):
    alert = _run(actions.withdraw_alert, request.user, _visible_alert(request, pk), request=request)
    return _alert_out(request, alert)


@router.post("/alerts/{pk}/acknowledge", response=DeliveryOut, summary="Acknowledge receipt")
def acknowledge_alert(request: HttpRequest, pk: UUID):
    alert = _visible_alert(request, pk)
    delivery = get_object_or_404(alert.deliveries, platform=request.user.platform_id)
    return _delivery_out(_run(actions.acknowledge, request.user, delivery, request=request))


class CheckIn(Schema):
    subject: dict = Field(description='{"schema": "Person", "properties": {...}}')
    reference: str = Field("", max_length=80)


@router.post("/alert-checks", response=list[HitOut],
             summary="Check a person, vehicle, document or firearm against the active alerts")
def check(request: HttpRequest, payload: CheckIn):
    user = _user(request)
    hits = alerts.check_against_alerts(payload.subject, platform=user.platform, actor=user,
                                       reference=payload.reference, request=request)
    return [_hit_out(request, hit) for hit in hits]


@router.get("/hits", response=list[HitOut], summary="Hits on alerts")
@paginate
def list_hits(request: HttpRequest):
    return [_hit_out(request, hit) for hit in visible_hits(_user(request)).select_related(
        "alert", "platform", "entity")]


@router.post("/hits/{pk}/review", response=HitOut, summary="Mark a hit as reviewed")
def review_hit(request: HttpRequest, pk: UUID):
    hit = get_object_or_404(visible_hits(_user(request)).select_related("alert", "platform"), pk=pk)
    return _hit_out(request, _run(actions.review_hit, request.user, hit, request=request))


# Cases -------------------------------------------------------------------------------------------

class CaseSummaryOut(Schema):
    id: UUID
    reference: str
    title: str
    owner: str
    participants: list[str]
    status: CaseStatus
    created_at: datetime


class EventOut(Schema):
    at: datetime
    kind: str
    code: str
    what: str
    title: str
    platform: str
    url: str


class LinkOut(Schema):
    kind: str
    id: UUID


class CaseOut(CaseSummaryOut):
    description: str
    links: list[LinkOut]
    timeline: list[EventOut]


class CaseIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=20_000)
    participants: list[str] = Field(default_factory=list, max_length=20)


class ShareIn(Schema):
    participants: list[str] = Field(max_length=20)


class LinkIn(Schema):
    kind: str = Field(pattern="^(report|entity|message|request|alert)$")
    identifier: str = Field(max_length=80, description="Reference or identifier.")


class CaseFilters(Schema):
    q: str | None = Field(None, max_length=100)
    status: CaseStatus | None = None


def _case_summary(case) -> CaseSummaryOut:
    return CaseSummaryOut(id=case.pk, reference=case.reference, title=case.title,
                          owner=case.owner.code,
                          participants=sorted(p.code for p in case.participants.all()),
                          status=case.status, created_at=case.created_at)


def _case_out(request: HttpRequest, case) -> CaseOut:
    links = visible_links(case, request.user)
    return CaseOut(**_case_summary(case).dict(), description=case.description,
                   links=[LinkOut(kind=link.kind, id=link.item.pk) for link in links],
                   timeline=[EventOut(**event.__dict__) for event in
                             timeline(case, request.user, links)])


def _visible_case(request: HttpRequest, pk: UUID):
    return get_object_or_404(visible_cases(_user(request)).select_related("owner"), pk=pk)


@router.get("/cases", response=list[CaseSummaryOut], summary="Cases of the caller's platform")
@paginate
def list_cases(request: HttpRequest, filters: Query[CaseFilters]):
    queryset = visible_cases(_user(request)).select_related("owner").prefetch_related(
        "participants")
    found = _filtered(CaseFilterSet, queryset, filters, request)
    return [_case_summary(case) for case in found]


@router.post("/cases", response={201: CaseOut}, summary="Open a case")
def open_case(request: HttpRequest, payload: CaseIn):
    case = _run(actions.open_case, _user(request), title=payload.title,
                description=payload.description, participants=payload.participants,
                request=request)
    return StatusResponse(201, _case_out(request, case))


@router.get("/cases/{pk}", response=CaseOut, summary="One case with its timeline")
def get_case(request: HttpRequest, pk: UUID):
    case = _visible_case(request, pk)
    record(AuditAction.READ, request=request, obj=case)
    return _case_out(request, case)


@router.post("/cases/{pk}/links", response=CaseOut, summary="File an item in the case")
def link(request: HttpRequest, pk: UUID, payload: LinkIn):
    case = _visible_case(request, pk)
    item = _run(actions.linkable, request.user, payload.kind, payload.identifier)
    _run(actions.link_to_case, request.user, case, item, request=request)
    return _case_out(request, case)


@router.post("/cases/{pk}/participants", response=CaseOut, summary="Share with platforms")
def share(request: HttpRequest, pk: UUID, payload: ShareIn):
    case = _run(actions.share_case, request.user, _visible_case(request, pk),
                payload.participants, request=request)
    return _case_out(request, case)
