"""Pages of reports and entities. Thin: reading goes through visibility, writing through actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core import metering
from pcms.core.generic import CappedPaginator, ObjectDetailView, ObjectListView, too_many_reads
from pcms.records import actions, attachments
from pcms.records import schema as ftm
from pcms.records.filtersets import EntityFilterSet, ReportFilterSet
from pcms.records.forms import (
    AttachmentForm,
    EntityForm,
    RelationForm,
    ReportForm,
    ReviewForm,
    entry_properties,
    entry_schemata,
)
from pcms.records.labels import property_label, schema_label
from pcms.records.models import Attachment, Entity, Link, Mention, Report
from pcms.records.visibility import can_edit, can_validate, may_use_records, readable


def _readable_reports(request: HttpRequest):
    return readable(Report.objects.all(), request.user)


def _readable_entities(request: HttpRequest):
    return readable(Entity.objects.all(), request.user)


def _report_or_404(request: HttpRequest, pk) -> Report:
    return get_object_or_404(_readable_reports(request), pk=pk)


def _require_records(request: HttpRequest) -> None:
    if not may_use_records(request.user):
        raise PermissionDenied


class ReportListView(ObjectListView):
    paginator_class = CappedPaginator
    filterset_class = ReportFilterSet
    template_name = "records/report_list.html"
    results_template_name = "records/includes/report_table.html"
    object_type = "records.report"

    def get_queryset(self, request):
        _require_records(request)
        return _readable_reports(request).select_related("owner", "agency", "region")


class EntityListView(ObjectListView):
    paginator_class = CappedPaginator
    filterset_class = EntityFilterSet
    template_name = "records/entity_list.html"
    results_template_name = "records/includes/entity_table.html"
    object_type = "records.entity"

    def get_queryset(self, request):
        _require_records(request)
        return (_readable_entities(request).filter(schema__in=ftm.OPERATIONAL_SCHEMATA)
                .select_related("owner").order_by("-created_at"))


class ReportDetailView(ObjectDetailView):
    template_name = "records/report_detail.html"

    def get_object(self, request, pk):
        _require_records(request)
        return _readable_reports(request).select_related(
            "owner", "agency", "region", "country", "purpose", "created_by",
            "validated_by").filter(pk=pk).first()

    def get_context(self, request, report):
        mentions = list(Mention.objects.filter(report=report).select_related("entity").order_by("id"))
        relations = list(Link.objects.filter(via__origin=report).select_related("source", "target", "via"))
        visible = _readable_among(Entity, request, [m.entity_id for m in mentions] + [
            pk for link in relations for pk in (link.source_id, link.target_id, link.via_id)])
        mentions = [m for m in mentions if m.entity_id in visible]
        entity_ids = [m.entity_id for m in mentions]
        relations = [link for link in relations
                     if {link.source_id, link.target_id, link.via_id} <= visible]
        return {
            "mentions": [(m, _entity_rows(m.entity)) for m in mentions],
            "relations": relations,
            "steps": report.steps.select_related("actor"),
            "versions": report.versions.all(),
            "attachments": report.attachments.all(),
            "can_edit": can_edit(request.user, report),
            "can_validate": can_validate(request.user, report),
            "review_form": ReviewForm(),
            "schemata": entry_schemata(),
            "has_relation_candidates": len(entity_ids) >= 2,
        }


class EntityDetailView(ObjectDetailView):
    template_name = "records/entity_detail.html"

    def get_object(self, request, pk):
        _require_records(request)
        return _readable_entities(request).select_related("owner").filter(pk=pk).first()

    def get_context(self, request, entity):
        links = list((Link.objects.filter(source=entity) | Link.objects.filter(target=entity))
                     .select_related("source", "target", "via").distinct())
        visible = _readable_among(Entity, request, [
            pk for link in links for pk in (link.source_id, link.target_id, link.via_id)])
        mentions = list(Mention.objects.filter(entity=entity).select_related("report"))
        reports = _readable_among(Report, request, [m.report_id for m in mentions])
        return {
            "rows": _entity_rows(entity),
            "schema_label": schema_label(ftm.get_schema(entity.schema)),
            "mentions": [m for m in mentions if m.report_id in reports],
            "links": [link for link in links if {link.source_id, link.target_id, link.via_id}
                      <= visible | {entity.pk}],
            "can_edit": can_edit(request.user, entity),
        }


def _readable_among(model, request: HttpRequest, ids: list) -> set:
    """Which of these reports or entities the user may read. Asked of the few rows a page shows,
    need-to-know costs a lookup each; asked as a subquery, it could weigh every row of the table."""
    if not ids:
        return set()
    return set(readable(model.objects.filter(pk__in=set(ids)), request.user)
               .values_list("pk", flat=True))


def _entity_rows(entity: Entity) -> list[tuple[str, list[str], list[str]]]:
    """(label, stored values, values as written) for each property, in the schema's order."""
    schema = ftm.get_schema(entity.schema)
    order = entry_properties().get(entity.schema, [])
    names = [n for n in order if n in entity.properties] + sorted(
        n for n in entity.properties if n not in order)
    rows = []
    for name in names:
        prop = schema.properties.get(name)
        if prop is None or prop.type.name == "entity":
            continue
        written = entity.written.get(name, [])
        rows.append((property_label(prop), entity.properties[name], written))
    return rows


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    _require_records(request)
    if not request.user.has_role("officer", "supervisor"):
        raise PermissionDenied
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("recipients", "reason")}
        report = actions.create_report(request.user, data, form.cleaned_data["recipients"],
                                       request=request)
        messages.success(request, _("Report %(reference)s created. Add the entities it mentions.")
                         % {"reference": report.reference})
        return redirect("records:report_detail", pk=report.pk)
    return render(request, "records/report_form.html", {"form": form})


@login_required
def report_edit(request: HttpRequest, pk) -> HttpResponse:
    report = _report_or_404(request, pk)
    if not can_edit(request.user, report):
        raise PermissionDenied
    form = ReportForm(request.POST or None, instance=report, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("recipients", "reason")}
        try:
            actions.update_report(request.user, Report.objects.get(pk=pk), data,
                                  form.cleaned_data["recipients"],
                                  reason=form.cleaned_data.get("reason", ""), request=request)
        except actions.RecordError as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Report saved."))
            return redirect("records:report_detail", pk=pk)
    return render(request, "records/report_form.html", {"form": form, "report": report})


@login_required
def entity_add(request: HttpRequest, pk) -> HttpResponse:
    report = _report_or_404(request, pk)
    if not can_edit(request.user, report):
        raise PermissionDenied
    schema_name = request.POST.get("schema") or request.GET.get("schema") or "Person"
    if schema_name not in entry_properties():
        raise Http404
    form = EntityForm(request.POST or None, schema_name=schema_name)
    if request.method == "POST" and request.POST.get("save") and form.is_valid():
        try:
            actions.add_entity(request.user, report, schema_name, form.properties(),
                               role=form.cleaned_data.get("role", ""), request=request)
        except actions.RecordError as error:
            form.add_record_errors(error.errors)
        else:
            messages.success(request, _("Entity added."))
            return redirect("records:report_detail", pk=pk)
    template = "records/includes/entity_fields.html" if request.htmx else "records/entity_form.html"
    return render(request, template, {"form": form, "report": report, "schema_name": schema_name,
                                      "schemata": entry_schemata()})


@login_required
def entity_edit(request: HttpRequest, pk) -> HttpResponse:
    entity = get_object_or_404(_readable_entities(request), pk=pk)
    if not can_edit(request.user, entity) or entity.schema not in entry_properties():
        raise PermissionDenied
    form = EntityForm(request.POST or None, schema_name=entity.schema, with_role=False,
                      initial_properties=entity.written | {
                          k: v for k, v in entity.properties.items() if k not in entity.written})
    if request.method == "POST" and form.is_valid():
        kept = {k: v for k, v in entity.properties.items()
                if k not in entry_properties()[entity.schema]}
        try:
            actions.update_entity(request.user, entity, kept | form.properties(), request=request)
        except actions.RecordError as error:
            form.add_record_errors(error.errors)
        else:
            messages.success(request, _("Entity saved."))
            return redirect("records:entity_detail", pk=pk)
    return render(request, "records/entity_form.html",
                  {"form": form, "entity": entity, "schema_name": entity.schema})


@login_required
def relation_add(request: HttpRequest, pk) -> HttpResponse:
    report = _report_or_404(request, pk)
    if not can_edit(request.user, report):
        raise PermissionDenied
    entities = list(_readable_entities(request).filter(mentions__report=report).distinct())
    form = RelationForm(request.POST or None, entities=entities)
    if request.method == "POST" and form.is_valid():
        by_id = {str(e.pk): e for e in entities}
        data = form.cleaned_data
        detail_property = actions.RELATION_DETAIL.get(data["schema"])
        properties = {detail_property: [data["detail"]]} if data["detail"] and detail_property else {}
        try:
            actions.relate(request.user, report, data["schema"], by_id[data["source"]],
                           by_id[data["target"]], properties, request=request)
        except actions.RecordError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Relation added."))
            return redirect("records:report_detail", pk=pk)
    return render(request, "records/relation_form.html", {"form": form, "report": report})


def _workflow(step):
    @login_required
    @require_POST
    def view(request: HttpRequest, pk) -> HttpResponse:
        report = _report_or_404(request, pk)
        form = ReviewForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        try:
            step(request.user, report, comment, request)
        except actions.RecordError as error:
            messages.error(request, " ".join(error.errors.values()))
        return redirect("records:report_detail", pk=pk)

    return view


report_submit = _workflow(lambda user, report, comment, request:
                          actions.submit(user, report, request=request))
report_validate = _workflow(lambda user, report, comment, request:
                            actions.validate(user, report, comment, request=request))
report_return = _workflow(lambda user, report, comment, request:
                          actions.return_for_correction(user, report, comment, request=request))


@login_required
def report_version(request: HttpRequest, pk, version: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    if report.owner_id != request.user.platform_id:
        raise Http404  # earlier wording stays with the owner
    snapshot = get_object_or_404(report.versions, version=version)
    record(AuditAction.READ, request=request, obj=report, detail={"version": version})
    return render(request, "records/report_version.html", {"report": report, "version": snapshot})


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk) -> HttpResponse:
    report = _report_or_404(request, pk)
    if not can_edit(request.user, report):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments.attach(request.user, report, form.cleaned_data["file"], request=request)
        except attachments.AttachmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("File attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("records:report_detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment, pk=pk)
    _report_or_404(request, attachment.report_id)  # 404 unless the report is readable
    record(AuditAction.READ, request=request, obj=attachment)
    return attachments.response(attachment)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    _require_records(request)
    query = request.GET.get("q", "").strip()[:200]
    reports = entities = []
    if query:
        reports = ReportFilterSet({"q": query}, queryset=_readable_reports(request)).qs[:20]
        entities = EntityFilterSet({"q": query}, queryset=_readable_entities(request)).qs[:50]
        try:
            metering.charge(request, len(reports) + len(entities), "records.search")
        except metering.BulkReadLimit as error:
            return too_many_reads(request, error)
        record(AuditAction.SEARCH, request=request, detail={"q": query,
                                                            "shown": len(reports) + len(entities)})
    return render(request, "records/search.html",
                  {"query": query, "reports": reports, "entities": entities})
