"""Every change to an import job: one function each, called by pages, API and the worker alike.

A job moves queued -> (mapping) -> validating -> ready or invalid -> queued -> running -> done;
it may be cancelled until it is done. Each move is a guarded update (the job must still be in the
state the move starts from), so a cancel and a worker racing for the same job cannot both win.
Work is handed to the worker once the transaction that asked for it has committed.
"""

import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from followthemoney.types import registry

from pcms.imports import files
from pcms.imports.choices import CANCELLABLE, IN_PROGRESS, JobStatus
from pcms.imports.models import ImportJob, ImportMapping
from pcms.records import schema as ftm
from pcms.records.actions import RecordError
from pcms.records.choices import MentionRole, Status
from pcms.records.labels import property_label, schema_label
from pcms.records.models import Report
from pcms.records.visibility import EDITOR_ROLES, may_use_records


def may_import(user) -> bool:
    return may_use_records(user) and user.has_role(*EDITOR_ROLES)


def editable_reports(user) -> QuerySet:
    """Reports an import may add to: drafts and returned reports of the user's platform."""
    if not may_import(user):
        return Report.objects.none()
    return Report.objects.filter(owner_id=user.platform_id, status__in=(Status.DRAFT, Status.RETURNED),
                                 classification__lte=user.clearance)


def mappings_for(user) -> QuerySet:
    return ImportMapping.objects.filter(owner_id=user.platform_id)


def jobs_of(user) -> QuerySet:
    return ImportJob.objects.filter(user=user)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only officers and supervisors import records, into reports of "
                                 "their own platform."))


def _move(job: ImportJob, from_statuses: Iterable[str], to: str, **fields) -> bool:
    """Move the job to `to` if it is still in one of `from_statuses`; refresh it either way."""
    if to in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED):
        fields.setdefault("finished_at", timezone.now())
    moved = ImportJob.objects.filter(pk=job.pk, status__in=list(from_statuses)).update(
        status=to, updated_at=timezone.now(), **fields)
    job.refresh_from_db()
    return bool(moved)


def _enqueue(task, job: ImportJob) -> None:
    transaction.on_commit(lambda: task(str(job.pk)))


@transaction.atomic
def create_job(user, *, filename: str, chunks: Iterable[bytes], max_bytes: int,
               report: Report | None = None, new_report: dict | None = None,
               mapping: ImportMapping | None = None, role: str = "") -> ImportJob:
    """Take an uploaded file and queue it to be read. Raises files.UploadRefused."""
    from pcms.imports.tasks import read_import

    _require(may_import(user))
    if report is not None:
        _require(editable_reports(user).filter(pk=report.pk).exists())
    elif not new_report:
        raise RecordError({"report": _("Choose a draft report, or describe the report to create.")})
    if mapping is not None:
        _require(mapping.owner_id == user.platform_id)
    if role and role not in MentionRole.values:
        raise RecordError({"role": _("Unknown role %(role)s.") % {"role": role}})
    name = files.display_name(filename)
    job = ImportJob(id=uuid.uuid4(), user=user, platform_id=user.platform_id, filename=name,
                    format=files.format_for(name), report=report, new_report=new_report or {},
                    role=role or MentionRole.SUSPECT)
    if mapping is not None and job.is_table:
        job.mapping, job.schema, job.columns = mapping, mapping.schema, mapping.columns
        job.role = role or mapping.role
    files.store_upload(job, chunks, max_bytes)
    job.save(force_insert=True)
    _enqueue(read_import, job)
    return job


def mappable_properties(schema_name: str) -> list:
    """The properties a table column may feed: every value property of the type."""
    schema = ftm.get_schema(schema_name)
    return [prop for prop in schema.sorted_properties
            if not prop.stub and not prop.hidden and prop.type != registry.entity]


def check_mapping(schema_name: str, columns: dict[str, str], headers: list[str]) -> dict[str, str]:
    """Errors of a column mapping, by field; empty when it can be used."""
    try:
        schema = ftm.get_schema(schema_name)
    except ftm.SchemaError:
        return {"schema": _("Unknown entity type %(name)s.") % {"name": schema_name}}
    if schema.name not in ftm.OPERATIONAL_SCHEMATA:
        return {"schema": _("Tables import people, organisations, vehicles, firearms, phones, "
                            "documents, addresses, events and notes.")}
    allowed = {prop.name for prop in mappable_properties(schema.name)}
    errors: dict[str, str] = {}
    for header, prop in columns.items():
        if header not in headers:
            errors[header] = _("The file has no column of this name.")
        elif prop not in allowed:
            errors[header] = _("%(type)s has no property %(property)s.") % {
                "type": schema_label(schema), "property": prop}
    used = set(columns.values())
    if not used:
        errors["schema"] = _("Map at least one column.")
    missing = [property_label(schema.properties[name]) for name in schema.required
               if name not in used]
    if missing:
        errors["schema"] = _("Map a column to: %(fields)s.") % {"fields": ", ".join(missing)}
    return errors


@transaction.atomic
def set_mapping(user, job: ImportJob, *, schema: str, columns: dict[str, str], role: str,
                save_as: str = "") -> ImportJob:
    """Say which column feeds which property, optionally saving the mapping; then check rows."""
    from pcms.imports.tasks import validate_import

    _require(job.user_id == user.pk and may_import(user))
    columns = {header: prop for header, prop in columns.items() if prop}
    errors = check_mapping(schema, columns, job.headers)
    if role not in MentionRole.values:
        errors["role"] = _("Unknown role %(role)s.") % {"role": role}
    if errors:
        raise RecordError(errors)
    mapping = None
    if save_as.strip():
        mapping, _created = ImportMapping.objects.update_or_create(
            owner_id=user.platform_id, name=save_as.strip()[:100],
            defaults={"schema": schema, "columns": columns, "role": role, "created_by": user})
    if not _move(job, (JobStatus.MAPPING, JobStatus.READY, JobStatus.INVALID), JobStatus.QUEUED,
                 schema=schema, columns=columns, role=role, mapping=mapping or job.mapping,
                 errors=[], preview=[], error_count=0, valid_rows=0):
        raise RecordError({"status": _("This import can no longer be changed.")})
    _enqueue(validate_import, job)
    return job


@transaction.atomic
def confirm(user, job: ImportJob) -> ImportJob:
    """Write the checked rows (in the background)."""
    from pcms.imports.tasks import apply_import

    _require(job.user_id == user.pk and may_import(user))
    if not _move(job, (JobStatus.READY,), JobStatus.QUEUED, message=""):
        raise RecordError({"status": _("Only an import whose rows all passed can be applied.")})
    _enqueue(apply_import, job)
    return job


def cancel(user, job: ImportJob) -> ImportJob:
    """Stop a job. Work under way stops at its next batch and leaves nothing written."""
    _require(job.user_id == user.pk)
    if job.status not in CANCELLABLE:
        raise RecordError({"status": _("This import is over and can no longer be cancelled.")})
    files.request_cancel(job)
    if job.status not in IN_PROGRESS and _move(job, (job.status,), JobStatus.CANCELLED):
        job.remove_files()
    return job


@transaction.atomic
def retry(user, job: ImportJob) -> ImportJob:
    """Read a failed job's file again from the start (after an interruption, for instance)."""
    from pcms.imports.tasks import read_import

    _require(job.user_id == user.pk and may_import(user))
    if not job.upload_path.exists() or not _move(job, (JobStatus.FAILED,), JobStatus.QUEUED,
                                                  message="", finished_at=None):
        raise RecordError({"status": _("This import cannot be started again: upload the file "
                                       "again.")})
    files.clear_cancel(job)
    _enqueue(read_import, job)
    return job
