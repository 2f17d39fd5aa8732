"""Pages of the exchange. Thin: reading goes through visibility, writing through actions."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core.generic import ObjectListView
from pcms.exchange import actions, sharing
from pcms.exchange.filtersets import (
    AlertFilterSet,
    CaseFilterSet,
    HitFilterSet,
    MessageFilterSet,
    RequestFilterSet,
)
from pcms.exchange.forms import (
    AlertForm,
    AnswerForm,
    CaseForm,
    CommentForm,
    ConsentForm,
    DecisionForm,
    LinkForm,
    MessageForm,
    ReasonForm,
    ReplyForm,
    RequestForm,
    ShareForm,
)
from pcms.exchange.inbox import inbox as inbox_of
from pcms.exchange.models import Delivery, MessageFile
from pcms.exchange.sharing import ExchangeError
from pcms.exchange.timeline import timeline, visible_links
from pcms.exchange.visibility import (
    EDITOR_ROLES,
    may_exchange,
    may_send,
    visible_alerts,
    visible_cases,
    visible_consents,
    visible_hits,
    visible_messages,
    visible_requests,
)
from pcms.records import attachments
from pcms.records.models import Entity
from pcms.records.visibility import can_read


def _require_exchange(request: HttpRequest) -> None:
    if not may_exchange(request.user):
        raise PermissionDenied


def _require_send(request: HttpRequest) -> None:
    if not may_send(request.user):
        raise PermissionDenied


def _form_errors(form, error: ExchangeError) -> None:
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, message)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _require_exchange(request)
    box = inbox_of(request.user)
    return render(request, "exchange/inbox.html", {"box": box, "counts": box.counts})


class MessageListView(ObjectListView):
    filterset_class = MessageFilterSet
    template_name = "exchange/message_list.html"
    results_template_name = "exchange/includes/message_table.html"
    object_type = "exchange.message"

    def get_queryset(self, request):
        _require_exchange(request)
        return visible_messages(request.user).select_related("sender").prefetch_related(
            "deliveries__platform")


@login_required
def message_new(request: HttpRequest) -> HttpResponse:
    _require_send(request)
    initial = {"records": "\n".join(request.GET.getlist("record"))}
    form = MessageForm(request.POST or None, request.FILES or None, user=request.user,
                       initial=initial)
    withheld = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            records = sharing.resolve(request.user, form.record_references())
            message = actions.send_message(
                request.user, subject=data["subject"], body=data["body"],
                audience=data["audience"], recipients=data["recipients"],
                recipient_role=data["recipient_role"], records=records, notice=data["notice"],
                files=data["files"], case=data["case"] or None, request=request)
        except ExchangeError as error:
            _form_errors(form, error)
            withheld = error.withheld
        else:
            messages.success(request, _("Message sent."))
            return redirect("exchange:message_detail", pk=message.pk)
    return render(request, "exchange/message_form.html", {
        "form": form, "withheld": withheld,
        "consent_forms": _consent_forms(request, withheld)})


def _consent_forms(request: HttpRequest, withheld) -> list:
    return [(item, ConsentForm(user=request.user, initial={
        "record": item.record.reference if item.kind == "report" else str(item.record.pk),
        "recipients": [p.code for p in item.platforms]})) for item in withheld]


def _visible_message(request: HttpRequest, pk):
    _require_exchange(request)
    return get_object_or_404(visible_messages(request.user).select_related("sender", "author"),
                             pk=pk)


@login_required
def message_detail(request: HttpRequest, pk) -> HttpResponse:
    message = _visible_message(request, pk)
    delivery = actions.read_message(request.user, message, request=request)
    visible = visible_messages(request.user)
    thread = (visible.filter(thread=message.thread_root_id) | visible.filter(
        pk=message.thread_root_id)).select_related("sender", "author").distinct().order_by("sent_at")
    return render(request, "exchange/message_detail.html", {
        "object": message, "delivery": delivery, "thread": thread,
        "shared": _shared(request, message),
        "deliveries": message.deliveries.select_related("platform", "read_by", "acknowledged_by")
        if message.sender_id == request.user.platform_id else [],
        "reply_form": ReplyForm() if may_send(request.user) else None,
    })


def _shared(request: HttpRequest, item) -> list:
    """Shared records with whether the reader may open them."""
    return [(shared, shared.mode == "full" and shared.record is not None
             and can_read(request.user, shared.record))
            for shared in actions.shared_records(item)]


@login_required
@require_POST
def message_reply(request: HttpRequest, pk) -> HttpResponse:
    _require_send(request)
    parent = _visible_message(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            records = sharing.resolve(request.user, form.record_references())
            reply = actions.send_message(
                request.user, subject=_("Re: %(subject)s") % {"subject": parent.subject},
                body=form.cleaned_data["body"], records=records,
                notice=form.cleaned_data["notice"], files=form.cleaned_data["files"],
                parent=parent, request=request)
        except ExchangeError as error:
            for message in error.errors.values():
                messages.error(request, message)
        else:
            messages.success(request, _("Reply sent."))
            return redirect("exchange:message_detail", pk=reply.pk)
    else:
        messages.error(request, _("Write the reply."))
    return redirect("exchange:message_detail", pk=pk)


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk) -> HttpResponse:
    _require_exchange(request)
    delivery = get_object_or_404(Delivery, pk=pk, platform=request.user.platform_id)
    target = ("exchange:message_detail", delivery.message_id) if delivery.message_id else (
        "exchange:alert_detail", delivery.alert_id)
    if delivery.message_id and not visible_messages(request.user).filter(
            pk=delivery.message_id).exists():
        raise Http404
    try:
        actions.acknowledge(request.user, delivery, request=request)
    except ExchangeError as error:
        for message in error.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, _("Receipt acknowledged."))
    return redirect(*target)


@login_required
def file_download(request: HttpRequest, pk) -> HttpResponse:
    stored = get_object_or_404(MessageFile, pk=pk)
    _visible_message(request, stored.message_id)
    record(AuditAction.READ, request=request, obj=stored)
    return attachments.response(stored)


@login_required
@require_POST
def consent_new(request: HttpRequest) -> HttpResponse:
    _require_send(request)
    form = ConsentForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Name the platforms and say why."))
        return redirect("exchange:inbox")
    try:
        found = sharing.resolve(request.user, [form.cleaned_data["record"]])[0]
        consent = actions.ask_consent(request.user, found, form.cleaned_data["recipients"],
                                      form.cleaned_data["reason"], request=request)
    except ExchangeError as error:
        for message in error.errors.values():
            messages.error(request, message)
        return redirect("exchange:inbox")
    messages.success(request, _("Consent asked of %(platform)s.") % {"platform": consent.owner.code})
    return redirect("exchange:consent_detail", pk=consent.pk)


@login_required
def consent_detail(request: HttpRequest, pk) -> HttpResponse:
    _require_exchange(request)
    consent = get_object_or_404(visible_consents(request.user).select_related(
        "owner", "requester", "requested_by", "decided_by"), pk=pk)
    record(AuditAction.READ, request=request, obj=consent)
    return render(request, "exchange/consent_detail.html", {
        "object": consent, "readable": can_read(request.user, consent.record),
        "can_decide": consent.status == "pending" and consent.owner_id == request.user.platform_id
        and request.user.has_role(*EDITOR_ROLES),
        "form": DecisionForm()})


@login_required
@require_POST
def consent_decide(request: HttpRequest, pk, decision: str) -> HttpResponse:
    _require_exchange(request)
    consent = get_object_or_404(visible_consents(request.user), pk=pk)
    if decision not in ("grant", "deny"):
        raise Http404
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.decide_consent(request.user, consent, decision == "grant", note, request=request)
    except ExchangeError as error:
        for message in error.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("exchange:consent_detail", pk=pk)


class RequestListView(ObjectListView):
    filterset_class = RequestFilterSet
    template_name = "exchange/request_list.html"
    results_template_name = "exchange/includes/request_table.html"
    object_type = "exchange.informationrequest"

    def get_queryset(self, request):
        _require_exchange(request)
        return visible_requests(request.user).select_related("requester", "recipient", "purpose")


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    _require_send(request)
    initial = {"records": "\n".join(request.GET.getlist("record"))}
    form = RequestForm(request.POST or None, user=request.user, initial=initial)
    withheld = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            records = sharing.resolve(request.user, form.record_references())
            info = actions.create_request(
                request.user, recipient=data["recipient"], subject=data["subject"],
                body=data["body"], purpose=data["purpose"], due_date=data["due_date"],
                priority=data["priority"], legal_basis=data["legal_basis"], records=records,
                notice=data["notice"], case=data["case"] or None,
                send="send" in request.POST, request=request)
        except ExchangeError as error:
            _form_errors(form, error)
            withheld = error.withheld
        else:
            messages.success(request, _("Request sent.") if info.status == "sent"
                             else _("Request saved as a draft."))
            return redirect("exchange:request_detail", pk=info.pk)
    return render(request, "exchange/request_form.html", {
        "form": form, "withheld": withheld, "consent_forms": _consent_forms(request, withheld)})


def _visible_request(request: HttpRequest, pk):
    _require_exchange(request)
    return get_object_or_404(visible_requests(request.user).select_related(
        "requester", "recipient", "author", "purpose"), pk=pk)


@login_required
def request_detail(request: HttpRequest, pk) -> HttpResponse:
    info = _visible_request(request, pk)
    record(AuditAction.READ, request=request, obj=info)
    user = request.user
    mine = info.requester_id == user.platform_id
    theirs = info.recipient_id == user.platform_id
    shared = _shared(request, info)
    return render(request, "exchange/request_detail.html", {
        "object": info,
        "steps": info.steps.select_related("actor", "request__requester", "request__recipient"),
        "question_records": [item for item in shared if not item[0].in_answer],
        "answer_records": [item for item in shared if item[0].in_answer],
        "can_send": mine and may_send(user) and info.status == "draft",
        "can_close": mine and may_send(user) and info.status not in ("draft", "closed"),
        "can_accept": theirs and may_send(user) and info.status == "sent",
        "can_answer": theirs and may_send(user) and info.status in ("sent", "accepted"),
        "answer_form": AnswerForm(), "decline_form": ReasonForm(), "comment_form": CommentForm(),
    })


@login_required
@require_POST
def request_step(request: HttpRequest, pk, step: str) -> HttpResponse:
    info = _visible_request(request, pk)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    steps = {
        "send": lambda: actions.send_request(request.user, info, request=request),
        "accept": lambda: actions.accept_request(request.user, info, comment, request=request),
        "close": lambda: actions.close_request(request.user, info, comment, request=request),
    }
    if step not in steps:
        raise Http404
    try:
        steps[step]()
    except ExchangeError as error:
        for message in error.errors.values():
            messages.error(request, message)
    return redirect("exchange:request_detail", pk=pk)


@login_required
def request_answer(request: HttpRequest, pk) -> HttpResponse:
    info = _visible_request(request, pk)
    form = AnswerForm(request.POST or None)
    withheld = []
    if request.method == "POST" and form.is_valid():
        try:
            records = sharing.resolve(request.user, form.record_references())
            actions.answer_request(request.user, info, form.cleaned_data["answer"], records,
                                   notice=form.cleaned_data["notice"], request=request)
        except ExchangeError as error:
            _form_errors(form, error)
            withheld = error.withheld
        else:
            messages.success(request, _("Answer sent."))
            return redirect("exchange:request_detail", pk=pk)
    return render(request, "exchange/request_answer.html", {
        "object": info, "form": form, "withheld": withheld,
        "consent_forms": _consent_forms(request, withheld)})


@login_required
@require_POST
def request_decline(request: HttpRequest, pk) -> HttpResponse:
    info = _visible_request(request, pk)
    form = ReasonForm(request.POST)
    try:
        actions.decline_request(request.user, info,
                                form.cleaned_data["reason"] if form.is_valid() else "",
                                request=request)
    except ExchangeError as error:
        for message in error.errors.values():
            messages.error(request, message)
    return redirect("exchange:request_detail", pk=pk)


class AlertListView(ObjectListView):
    filterset_class = AlertFilterSet
    template_name = "exchange/alert_list.html"
    results_template_name = "exchange/includes/alert_table.html"
    object_type = "exchange.alert"

    def get_queryset(self, request):
        _require_exchange(request)
        return visible_alerts(request.user).select_related("issuer")


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@login_required
def alert_new(request: HttpRequest) -> HttpResponse:
    _require_send(request)
    form = AlertForm(request.POST or None, user=request.user,
                     initial={"entity": request.GET.get("entity", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entity = None
            if data["entity"]:
                entity = sharing.resolve(request.user, [data["entity"]])[0]
                if not isinstance(entity, Entity):
                    raise ExchangeError({"entity": _("Choose an entity, not a report.")})
            alert = actions.create_alert(
                request.user, kind=data["kind"], title=data["title"],
                instructions=data["instructions"], valid_from=_day_start(data["valid_from"]),
                valid_until=_day_start(data["valid_until"]) + timedelta(days=1),
                dissemination=data["dissemination"], recipients=data["recipients"],
                classification=data["classification"], entity=entity, schema=data["schema"],
                properties=form.properties(), case=data["case"] or None, request=request)
        except ExchangeError as error:
            for name, message in error.errors.items():
                key = name if name in form.fields else f"p_{name}"
                form.add_error(key if key in form.fields else None, message)
        else:
            messages.success(request, _("Alert drafted. Submit it for validation."))
            return redirect("exchange:alert_detail", pk=alert.pk)
    return render(request, "exchange/alert_form.html", {"form": form})


@login_required
def alert_detail(request: HttpRequest, pk) -> HttpResponse:
    _require_exchange(request)
    alert = get_object_or_404(visible_alerts(request.user).select_related(
        "issuer", "author", "validated_by", "entity"), pk=pk)
    record(AuditAction.READ, request=request, obj=alert)
    user = request.user
    mine = alert.issuer_id == user.platform_id
    return render(request, "exchange/alert_detail.html", {
        "object": alert,
        "entity_readable": alert.entity_id and can_read(user, alert.entity),
        "delivery": alert.deliveries.filter(platform=user.platform_id).first(),
        "deliveries": alert.deliveries.select_related("platform", "acknowledged_by") if mine else [],
        "hits": visible_hits(user).filter(alert=alert).select_related("platform"),
        "can_submit": mine and may_send(user) and alert.status == "draft",
        "can_validate": actions.can_validate_alert(user, alert),
        "can_withdraw": mine and may_send(user) and alert.status in ("submitted", "active"),
        "properties": sorted(alert.subject.get("properties", {}).items()),
    })


@login_required
@require_POST
def alert_step(request: HttpRequest, pk, step: str) -> HttpResponse:
    _require_exchange(request)
    alert = get_object_or_404(visible_alerts(request.user), pk=pk)
    steps = {"submit": actions.submit_alert, "validate": actions.validate_alert,
             "withdraw": actions.withdraw_alert}
    if step not in steps:
        raise Http404
    try:
        steps[step](request.user, alert, request=request)
    except ExchangeError as error:
        for message in error.errors.values():
            messages.error(request, message)
    return redirect("exchange:alert_detail", pk=pk)


class HitListView(ObjectListView):
    filterset_class = HitFilterSet
    template_name = "exchange/hit_list.html"
    results_template_name = "exchange/includes/hit_table.html"
    object_type = "exchange.alerthit"

    def get_queryset(self, request):
        _require_exchange(request)
        return visible_hits(request.user).select_related("alert", "platform")


@login_required
def hit_detail(request: HttpRequest, pk) -> HttpResponse:
    _require_exchange(request)
    hit = get_object_or_404(visible_hits(request.user).select_related(
        "alert__issuer", "platform", "entity", "report", "found_by"), pk=pk)
    record(AuditAction.READ, request=request, obj=hit)
    if request.method == "POST":
        actions.review_hit(request.user, hit, request=request)
        messages.success(request, _("Hit marked as reviewed."))
        return redirect("exchange:hit_detail", pk=pk)
    return render(request, "exchange/hit_detail.html", {
        "object": hit,
        "entity_readable": hit.entity_id and can_read(request.user, hit.entity),
        "report_readable": hit.report_id and can_read(request.user, hit.report)})


class CaseListView(ObjectListView):
    filterset_class = CaseFilterSet
    template_name = "exchange/case_list.html"
    results_template_name = "exchange/includes/case_table.html"
    object_type = "exchange.case"

    def get_queryset(self, request):
        _require_exchange(request)
        return visible_cases(request.user).select_related("owner").prefetch_related("participants")


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    _require_send(request)
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = actions.open_case(request.user, title=data["title"],
                                     description=data["description"],
                                     participants=data["participants"], request=request)
        except ExchangeError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Case opened."))
            return redirect("exchange:case_detail", pk=case.pk)
    return render(request, "exchange/case_form.html", {"form": form})


def _visible_case(request: HttpRequest, pk):
    _require_exchange(request)
    return get_object_or_404(visible_cases(request.user).select_related("owner", "created_by"),
                             pk=pk)


@login_required
def case_detail(request: HttpRequest, pk) -> HttpResponse:
    case = _visible_case(request, pk)
    record(AuditAction.READ, request=request, obj=case)
    links = visible_links(case, request.user)
    mine = case.owner_id == request.user.platform_id
    return render(request, "exchange/case_detail.html", {
        "object": case, "links": links, "timeline": timeline(case, request.user, links),
        "link_form": LinkForm() if may_send(request.user) and case.status == "open" else None,
        "share_form": ShareForm(user=request.user, initial={
            "participants": [p.code for p in case.participants.all()]})
        if mine and may_send(request.user) else None,
        "can_close": mine and may_send(request.user) and case.status == "open",
    })


@login_required
@require_POST
def case_link(request: HttpRequest, pk) -> HttpResponse:
    _require_send(request)
    case = _visible_case(request, pk)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to file and give its reference."))
        return redirect("exchange:case_detail", pk=pk)
    try:
        item = actions.linkable(request.user, form.cleaned_data["kind"],
                                form.cleaned_data["identifier"])
        actions.link_to_case(request.user, case, item, request=request)
    except ExchangeError as error:
        for message in error.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, _("Filed in the case."))
    return redirect("exchange:case_detail", pk=pk)


@login_required
@require_POST
def case_share(request: HttpRequest, pk) -> HttpResponse:
    case = _visible_case(request, pk)
    form = ShareForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            actions.share_case(request.user, case, form.cleaned_data["participants"],
                               request=request)
        except ExchangeError as error:
            for message in error.errors.values():
                messages.error(request, message)
        else:
            messages.success(request, _("Participating platforms saved."))
    return redirect("exchange:case_detail", pk=pk)


@login_required
@require_POST
def case_close(request: HttpRequest, pk) -> HttpResponse:
    case = _visible_case(request, pk)
    actions.close_case(request.user, case, request=request)
    messages.success(request, _("Case closed."))
    return redirect("exchange:case_detail", pk=pk)
