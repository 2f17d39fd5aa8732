"""Imports and exports through the REST API, through the same actions as the pages.

An import is sent as the raw body of `POST /imports` (the file's bytes, with its name in the
address), streamed to disk and refused past the size limit; the rows are then checked in the
background, and `POST /imports/{id}/apply` writes them once `GET /imports/{id}` says "ready".
"""

from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from pcms.imports import actions, exports, files
from pcms.imports.choices import ExportFormat, ExportProfile, ImportFormat, JobStatus
from pcms.imports.models import ImportJob
from pcms.records.actions import RecordError
from pcms.records.choices import MentionRole

router = Router(tags=["imports and exports"])
CHUNK = 64 * 1024


class RowErrorOut(Schema):
    line: int | None
    field: str
    message: str
    value: str


class JobOut(Schema):
    id: UUID
    filename: str
    format: ImportFormat
    status: JobStatus
    report: UUID | None
    rows: int
    valid_rows: int
    failing_rows: int
    created: int
    progress_done: int
    progress_total: int
    errors: list[RowErrorOut]
    preview: list[dict]
    message: str


class MappingOut(Schema):
    id: int
    name: str
    schema_name: str
    columns: dict[str, str]
    role: str


def _job_out(job: ImportJob) -> JobOut:
    done, total = files.read_progress(job)
    return JobOut(id=job.pk, filename=job.filename, format=job.format, status=job.status,
                  report=job.report_id, rows=job.total_rows, valid_rows=job.valid_rows,
                  failing_rows=job.error_count, created=job.created_count, progress_done=done,
                  progress_total=total, errors=job.errors, preview=job.preview, message=job.message)


def _run(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except RecordError as error:
        raise HttpError(422, str(error)) from None
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Not allowed.") from None


def _own_job(request: HttpRequest, job_id: UUID) -> ImportJob:
    if not actions.may_import(request.user):
        raise HttpError(403, "Only officers and supervisors import records.")
    return get_object_or_404(actions.jobs_of(request.user), pk=job_id)


@router.post("/imports", response={201: JobOut}, summary="Upload a file to import (raw body)")
def create_import(request: HttpRequest, filename: str, report: UUID, mapping: int | None = None,
                  role: MentionRole | None = None):
    """Send the file's bytes as the body. Tables need a saved `mapping`; followthemoney JSON
    needs none. The entities go into `report`, a draft report of the caller's platform."""
    if not actions.may_import(request.user):
        raise HttpError(403, "Only officers and supervisors import records.")
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.IMPORT_MAX_BYTES:
        raise HttpError(413, files.too_large_message(settings.IMPORT_MAX_BYTES))
    target = get_object_or_404(actions.editable_reports(request.user), pk=report)
    saved = get_object_or_404(actions.mappings_for(request.user), pk=mapping) if mapping else None
    try:
        job = _run(actions.create_job, request.user, filename=filename,
                   chunks=iter(lambda: request.read(CHUNK), b""),
                   max_bytes=settings.IMPORT_MAX_BYTES, report=target, mapping=saved,
                   role=role or "")
    except files.UploadRefused as error:
        raise HttpError(413 if isinstance(error, files.UploadTooLarge) else 422, str(error)) from None
    return Status(201, _job_out(job))


@router.get("/imports/mappings", response=list[MappingOut], summary="Saved column mappings")
def list_mappings(request: HttpRequest):
    if not actions.may_import(request.user):
        raise HttpError(403, "Only officers and supervisors import records.")
    return [MappingOut(id=m.pk, name=m.name, schema_name=m.schema, columns=m.columns, role=m.role)
            for m in actions.mappings_for(request.user)]


@router.get("/imports/{job_id}", response=JobOut, summary="Progress, failing rows and preview")
def get_import(request: HttpRequest, job_id: UUID):
    return _job_out(_own_job(request, job_id))


@router.post("/imports/{job_id}/apply", response=JobOut, summary="Write the checked rows")
def apply_import(request: HttpRequest, job_id: UUID):
    job = _own_job(request, job_id)
    return _job_out(_run(actions.confirm, request.user, job))


@router.post("/imports/{job_id}/cancel", response=JobOut, summary="Cancel; nothing is written")
def cancel_import(request: HttpRequest, job_id: UUID):
    job = _own_job(request, job_id)
    return _job_out(_run(actions.cancel, request.user, job))


class ExportQuery(Schema):
    format: ExportFormat
    profile: ExportProfile = ExportProfile.FULL
    report: list[str] = []
    reference: list[str] = []
    entity: list[str] = []


@router.get("/exports", summary="Export records the caller may read",
            response={200: None, 400: dict, 429: dict})
def export(request: HttpRequest, query: Query[ExportQuery]):
    """followthemoney JSON lines, a STIX 2.1 bundle or CSV of the named reports (by id or
    reference) and entities, limited to what the caller may read; audited."""
    try:
        result = _run(exports.export, request.user, format=query.format, profile=query.profile,
                      reports=query.report, references=query.reference, entities=query.entity,
                      request=request)
    except exports.ExportRefused as error:
        raise HttpError(error.status, str(error)) from None
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response
