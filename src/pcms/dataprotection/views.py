"""Pages of data protection: the review queue, and the data protection officer's oversight pages.
Thin: reading goes through visibility and the audit trail, changes through actions."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pcms.audit.choices import AuditAction
from pcms.audit.models import AuditEntry
from pcms.audit.services import record
from pcms.core.forms import style_fields
from pcms.core.pdf import render_pdf
from pcms.dataprotection import actions, oversight, retention, subjects
from pcms.dataprotection.filtersets import AuditFilterSet
from pcms.dataprotection.forms import CorrectionForm, DeleteForm, ExtendForm, PersonForm
from pcms.dataprotection.models import Correction, Review
from pcms.records.actions import RecordError
from pcms.records.forms import EntityForm, entry_properties
from pcms.records.models import Entity, Report
from pcms.records.visibility import can_edit, may_use_records, readable
from pcms.screening.models import Screening

REVIEWERS = ("officer", "supervisor", "dpo")
KINDS = {"report": Report, "entity": Entity}
AUDIT_PAGE = 100


def _require(request: HttpRequest, *roles: str) -> None:
    if not may_use_records(request.user) or not request.user.has_role(*roles):
        raise PermissionDenied


def _own(request: HttpRequest, model):
    return readable(model.objects.all(), request.user).filter(owner_id=request.user.platform_id)


def _record_or_404(request: HttpRequest, kind: str, pk):
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(_own(request, model), pk=pk)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Records of the user's platform that come due for review within 30 days, and, for the data
    protection officer, those already past their date."""
    _require(request, *REVIEWERS)
    reports = retention.due_within(_own(request, Report)).order_by("review_due")[:200]
    entities = (retention.due_within(_own(request, Entity)).filter(mentions__isnull=False)
                .distinct().order_by("review_due")[:200])
    record(AuditAction.SEARCH, request=request, object_type="dataprotection.review",
           detail={"shown": len(reports) + len(entities)})
    return render(request, "dataprotection/review_queue.html", {
        "reports": reports, "entities": entities, "days": retention.DUE_SOON_DAYS,
        "today": timezone.localdate(),
        "reviews": Review.objects.filter(owner_id=request.user.platform_id)
        .select_related("decided_by")[:20]})


@login_required
def review_record(request: HttpRequest, kind: str, pk) -> HttpResponse:
    _require(request, *REVIEWERS)
    item = _record_or_404(request, kind, pk)
    if not actions.may_review(request.user, item):
        raise PermissionDenied
    extend = ExtendForm(request.POST if request.POST.get("decision") == "extend" else None)
    delete = DeleteForm(request.POST if request.POST.get("decision") == "delete" else None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "extend" and extend.is_valid():
                actions.extend_review(request.user, item, extend.cleaned_data["new_due"],
                                      extend.cleaned_data["reason"], request=request)
                messages.success(request, _("The record is kept until %(date)s.") % {
                    "date": extend.cleaned_data["new_due"].isoformat()})
                return redirect("dataprotection:review_queue")
            if request.POST.get("decision") == "delete" and delete.is_valid():
                if not actions.may_delete(request.user, item):
                    raise PermissionDenied
                actions.delete_record(request.user, item, delete.cleaned_data["reason"],
                                      request=request)
                messages.success(request, _("The record was deleted."))
                return redirect("dataprotection:review_queue")
        except RecordError as error:
            form = extend if request.POST.get("decision") == "extend" else delete
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
    record(AuditAction.READ, request=request, obj=item, detail={"review": True})
    return render(request, "dataprotection/review_record.html", {
        "item": item, "kind": kind, "extend": extend, "delete": delete,
        "may_delete": actions.may_delete(request.user, item),
        "overdue": retention.is_overdue(item),
        "reviews": Review.objects.filter(record_id=str(item.pk)).select_related("decided_by")})


@login_required
def dpo_home(request: HttpRequest) -> HttpResponse:
    _require(request, "dpo")
    return render(request, "dataprotection/home.html", {
        "overdue": sum(retention.due_within(_own(request, model), days=-1).count()
                       for model in (Report, Entity)),
        "corrections": Correction.objects.filter(owner_id=request.user.platform_id)[:10]})


def _audit_queryset(request: HttpRequest):
    platform = request.user.platform
    if platform.is_regional:
        return AuditEntry.objects.all()
    return AuditEntry.objects.filter(Q(platform=platform.code) | Q(platform=""))


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, a hundred entries a page; pages follow the entry ids
    (keyset), so the hundredth page costs what the first does."""
    _require(request, "dpo")
    filterset = AuditFilterSet(request.GET or None, queryset=_audit_queryset(request),
                               regional=request.user.platform.is_regional)
    style_fields(filterset.form)
    entries = filterset.qs.order_by("-id")
    before = request.GET.get("before", "")
    if before.isdigit():
        entries = entries.filter(id__lt=int(before))
    page = list(entries[:AUDIT_PAGE + 1])
    more, page = len(page) > AUDIT_PAGE, page[:AUDIT_PAGE]
    screening_ids = [e.object_id for e in page if e.object_type == "screening.screening"]
    screenings = {str(s.pk): s for s in Screening.objects.filter(pk__in=screening_ids)}
    rows = [(entry, screenings.get(entry.object_id)) for entry in page]
    record(AuditAction.SEARCH, request=request, object_type="audit.auditentry",
           detail={"filters": {k: v[:100] for k, v in request.GET.items() if k != "before"},
                   "shown": len(page)})
    params = request.GET.copy()
    params.pop("before", None)
    template = ("dataprotection/includes/audit_table.html" if request.htmx
                else "dataprotection/audit.html")
    return render(request, template, {
        "filterset": filterset, "rows": rows, "next_before": page[-1].id if more else None,
        "query": params.urlencode()})


@login_required
def unusual(request: HttpRequest) -> HttpResponse:
    _require(request, "dpo")
    rows = oversight.unusual_access(request.user.platform)
    record(AuditAction.SEARCH, request=request, object_type="dataprotection.unusual",
           detail={"flagged": sum(1 for row in rows if row.flagged)})
    return render(request, "dataprotection/unusual.html",
                  {"rows": rows, "settings": oversight.Settings()})


@login_required
def subject_access(request: HttpRequest) -> HttpResponse:
    """Find a person, confirm which records are theirs, then produce the report."""
    _require(request, "dpo")
    form = PersonForm(request.GET or None)
    found = None
    if form.is_valid():
        person = subjects.Person(form.cleaned_data["name"], form.cleaned_data["birth_date"],
                                 form.cleaned_data["nationality"])
        chosen = request.GET.getlist("record")
        if chosen:
            return _subject_report(request, person, chosen, request.GET.get("format", "html"))
        found = subjects.find(request.user, person)
        record(AuditAction.SEARCH, request=request, object_type="dataprotection.subject",
               detail={"subject_access": True, "candidates": len(found)})
    return render(request, "dataprotection/subject_access.html", {"form": form, "found": found})


def _subject_report(request: HttpRequest, person, chosen: list[str], output: str) -> HttpResponse:
    report = subjects.build(request.user, person, chosen[:100])
    record(AuditAction.EXPORT, request=request, object_type="dataprotection.subject",
           detail={"subject_access": True, "format": output,
                   "records": [str(e.pk) for e in report.entities]})
    if output == "json":
        response = HttpResponse(json.dumps(report.as_json(), ensure_ascii=False, indent=2),
                                content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="subject-access.json"'
        return response
    context = {"report": report}
    if output == "pdf":
        language = request.GET.get("language") or (get_language() or "fr")[:2]
        response = HttpResponse(render_pdf("dataprotection/pdf/subject_access.html", context,
                                           language if language in ("fr", "en", "ar") else "fr"),
                                content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="subject-access.pdf"'
        return response
    return render(request, "dataprotection/subject_report.html",
                  {**context, "query": request.GET.urlencode()})


@login_required
def corrections(request: HttpRequest) -> HttpResponse:
    _require(request, "dpo")
    items = Correction.objects.filter(owner_id=request.user.platform_id).select_related(
        "recorded_by")[:200]
    return render(request, "dataprotection/corrections.html", {"corrections": items})


@login_required
def correction_add(request: HttpRequest, kind: str, pk) -> HttpResponse:
    _require(request, *REVIEWERS)
    item = _record_or_404(request, kind, pk)
    form = CorrectionForm(request.POST or None)
    editable = (kind == "entity" and can_edit(request.user, item)
                and item.schema in entry_properties())
    values = None
    if editable:
        values = EntityForm(request.POST or None, schema_name=item.schema, with_role=False,
                            initial_properties=item.written | {
                                k: v for k, v in item.properties.items() if k not in item.written})
    if request.method == "POST" and form.is_valid() and (values is None or values.is_valid()):
        properties = None
        if values is not None:
            kept = {k: v for k, v in item.properties.items()
                    if k not in entry_properties()[item.schema]}
            properties = kept | values.properties()
        try:
            actions.record_correction(request.user, item, form.cleaned_data["what"],
                                      form.cleaned_data["why"], form.cleaned_data["requested_by"],
                                      properties=properties, request=request)
        except RecordError as error:
            target = values if values is not None else form
            for name, message in error.errors.items():
                if isinstance(target, EntityForm):
                    target.add_record_errors({name: message})
                else:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("The correction was recorded."))
            return redirect("records:entity_detail" if kind == "entity" else "records:report_detail",
                            pk=item.pk)
    return render(request, "dataprotection/correction_form.html",
                  {"item": item, "kind": kind, "form": form, "values": values})
