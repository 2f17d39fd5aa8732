"""Pages of imports and exports: thin handlers over `actions` and `exports`."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from pcms.imports import actions, exports, files
from pcms.imports.choices import CANCELLABLE, IN_PROGRESS, JobStatus
from pcms.imports.forms import ExportForm, MappingForm, NewReportForm, SchemaForm, UploadForm
from pcms.imports.models import ImportJob
from pcms.records import schema as ftm
from pcms.records.actions import RecordError
from pcms.records.labels import property_label, schema_label
from pcms.records.visibility import may_use_records

# Room for the form fields and multipart boundaries around the file itself.
FORM_OVERHEAD = 64 * 1024


def _require_importer(request: HttpRequest) -> None:
    if not actions.may_import(request.user):
        raise PermissionDenied(_("Only officers and supervisors import records."))


def _own_job(request: HttpRequest, pk: uuid.UUID) -> ImportJob:
    _require_importer(request)
    return get_object_or_404(actions.jobs_of(request.user).select_related("report", "mapping"), pk=pk)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    return render(request, "imports/job_list.html", {
        "jobs": actions.jobs_of(request.user).select_related("report")[:50],
        "mappings": actions.mappings_for(request.user),
    })


@csrf_exempt
@login_required
def job_new(request: HttpRequest) -> HttpResponse:
    """The declared size is checked before the body is read: CSRF is checked after it."""
    _require_importer(request)
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.IMPORT_MAX_BYTES + FORM_OVERHEAD:
            return render(request, "core/error.html", {
                "status": 413, "message": files.too_large_message(settings.IMPORT_MAX_BYTES)},
                status=413)
    return _job_new(request)


@csrf_protect
def _job_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = UploadForm(request.POST or None, request.FILES or None, user=user,
                      initial={"report": request.GET.get("report")})
    report_form = NewReportForm(request.POST or None, user=user, prefix="new")
    status = 200
    if request.method == "POST":
        status = 400
        creating = not request.POST.get("report")
        if form.is_valid() and (not creating or report_form.is_valid()):
            upload = form.cleaned_data["file"]
            try:
                job = actions.create_job(
                    user, filename=upload.name, chunks=upload.chunks(),
                    max_bytes=settings.IMPORT_MAX_BYTES, report=form.cleaned_data["report"],
                    new_report=report_form.as_data(files.display_name(upload.name)) if creating
                    else None, mapping=form.cleaned_data["mapping"], role=form.cleaned_data["role"])
            except files.UploadRefused as error:
                form.add_error("file", str(error))
            except RecordError as error:
                for message in error.errors.values():
                    form.add_error(None, message)
            else:
                return redirect("imports:job_detail", pk=job.pk)
    return render(request, "imports/job_new.html", {"form": form, "report_form": report_form},
                  status=status)


def _preview_rows(job: ImportJob) -> list[dict]:
    rows = []
    for row in job.preview:
        schema = ftm.get_schema(row["schema"])
        values = [
            {"label": property_label(schema.properties[name]), "values": values,
             "written": row["written"].get(name, [])}
            for name, values in row["properties"].items() if name in schema.properties
        ]
        rows.append({"line": row["line"], "type": schema_label(schema), "caption": row["caption"],
                     "values": values, "role": row.get("role", "")})
    return rows


@login_required
def job_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = _own_job(request, pk)
    context: dict = {"job": job, "in_progress": job.status in IN_PROGRESS,
                     "cancellable": job.status in CANCELLABLE}
    if job.status in IN_PROGRESS:
        context["done"], context["total"] = files.read_progress(job)
    if job.status == JobStatus.MAPPING or (job.is_table and request.GET.get("remap")):
        context.update(_mapping_context(request, job))
    if job.status in (JobStatus.READY, JobStatus.INVALID):
        context["preview"] = _preview_rows(job)
    return render(request, "imports/job_detail.html", context)


def _mapping_context(request: HttpRequest, job: ImportJob, form: MappingForm | None = None) -> dict:
    schema_form = SchemaForm(request.GET if "schema" in request.GET else None,
                             initial={"schema": job.schema or "Person"})
    schema = (schema_form.cleaned_data["schema"] if schema_form.is_bound and schema_form.is_valid()
              else job.schema or "Person")
    if form is None:
        initial_columns = job.columns if schema == job.schema else {}
        form = MappingForm(schema=schema, headers=job.headers, initial_columns=initial_columns,
                           initial={"role": job.role})
    return {"schema_form": schema_form, "mapping_form": form, "schema": schema,
            "sample": [[row.get(header, "") for header in job.headers] for row in job.sample]}


@login_required
@require_POST
def job_mapping(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = _own_job(request, pk)
    schema = request.POST.get("schema", "")
    if schema not in ftm.OPERATIONAL_SCHEMATA or not job.is_table:
        raise Http404
    form = MappingForm(request.POST, schema=schema, headers=job.headers, initial_columns={})
    if form.is_valid():
        try:
            actions.set_mapping(request.user, job, schema=schema, columns=form.columns(),
                                role=form.cleaned_data["role"], save_as=form.cleaned_data["save_as"])
        except RecordError as error:
            for field, message in error.errors.items():
                form.add_error(None, f"{field}: {message}" if field in job.headers else message)
        else:
            return redirect("imports:job_detail", pk=job.pk)
    context = {"job": job, "cancellable": True, **_mapping_context(request, job, form)}
    context["schema"] = schema
    return render(request, "imports/job_detail.html", context, status=400)


@login_required
def job_progress(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The progress bar, polled by htmx; once the work is over the whole page reloads."""
    job = _own_job(request, pk)
    if job.status not in IN_PROGRESS:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    done, total = files.read_progress(job)
    return render(request, "imports/progress.html", {"job": job, "done": done, "total": total,
                                                     "in_progress": True})


def _act(request: HttpRequest, pk: uuid.UUID, action, success: str) -> HttpResponse:
    job = _own_job(request, pk)
    try:
        action(request.user, job)
    except RecordError as error:
        for message in error.errors.values():
            messages.error(request, message)
    else:
        if success:
            messages.success(request, success)
    return redirect("imports:job_detail", pk=job.pk)


@login_required
@require_POST
def job_apply(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _act(request, pk, actions.confirm, "")


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _act(request, pk, actions.cancel, _("The import is cancelled; nothing was written."))


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    return _act(request, pk, actions.retry, "")


@login_required
@require_POST
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    mapping = get_object_or_404(actions.mappings_for(request.user), pk=pk)
    mapping.delete()
    messages.success(request, _("The mapping “%(name)s” is deleted.") % {"name": mapping.name})
    return redirect("imports:job_list")


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """Choose a format and profile for a selection (reports and entities in the address)."""
    if not may_use_records(request.user):
        raise PermissionDenied(_("You may not export records."))
    form = ExportForm(request.POST or None, initial=request.GET)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = exports.export(request.user, format=form.cleaned_data["format"],
                                        profile=form.cleaned_data["profile"], request=request,
                                        **form.selection())
            except exports.ExportRefused as error:
                form.add_error(None, str(error))
                status = error.status
            else:
                response = HttpResponse(result.content, content_type=result.content_type)
                response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
                return response
    return render(request, "imports/export.html", {
        "form": form, "exports_left": exports.exports_left(request.user),
        "selected": len(request.GET.getlist("report")) + len(request.GET.getlist("entity")),
    }, status=status)
