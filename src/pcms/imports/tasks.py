"""Background work of imports: read the file, check every row, apply them all.

Each task takes a queued job, marks it as under way (a guarded update: a job cancelled meanwhile
is left alone), works, and records the outcome. A worker stopped in the middle leaves its job
"validating" or "running" with nothing written; when the worker starts again, and every ten
minutes, such jobs are marked failed so that their owner can start them again.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from pcms.imports import files
from pcms.imports.actions import _move
from pcms.imports.applying import apply
from pcms.imports.choices import JobStatus
from pcms.imports.models import MAX_STORED_ERRORS, ImportJob
from pcms.imports.reading import FileError, read_job_table
from pcms.imports.validation import Cancelled, validate

logger = logging.getLogger(__name__)
SAMPLE_ROWS = 5
# A job under way whose progress has not moved for this long was interrupted.
STALE_AFTER = timedelta(minutes=30)


def _job(job_id: str) -> ImportJob | None:
    return ImportJob.objects.select_related("user", "platform").filter(pk=job_id).first()


def _callbacks(job: ImportJob):
    return (lambda done, total: files.write_progress(job, done, total),
            lambda: files.cancel_requested(job))


def _start(job: ImportJob, under_way: str) -> bool:
    """Take a queued job; one whose cancel was asked meanwhile is closed instead."""
    if files.cancel_requested(job):
        _cancelled(job, JobStatus.QUEUED)
        return False
    return _move(job, (JobStatus.QUEUED,), under_way)


def _cancelled(job: ImportJob, under_way: str) -> None:
    _move(job, (under_way,), JobStatus.CANCELLED)
    job.remove_files()


def _failed(job: ImportJob, under_way: str) -> None:
    logger.exception("import %s failed", job.pk)
    _move(job, (under_way,), JobStatus.FAILED,
          message=_("An unexpected error stopped this import; nothing was written. Start it "
                    "again, or tell the administrator if it fails again."))


@db_task()
def read_import(job_id: str) -> None:
    """Read a table's headers and first rows for the mapping page, or go on to the check."""
    job = _job(job_id)
    if job is None:
        return
    if not job.is_table or job.columns:
        _check(job)
        return
    if not _start(job, JobStatus.VALIDATING):
        return
    with override(job.user.language):
        try:
            table = read_job_table(job)
        except FileError as error:
            _move(job, (JobStatus.VALIDATING,), JobStatus.INVALID, errors=[error.error.as_dict()],
                  error_count=1)
            return
        except Exception:
            _failed(job, JobStatus.VALIDATING)
            return
    _move(job, (JobStatus.VALIDATING,), JobStatus.MAPPING, headers=table.headers,
          sample=[row for _line, row in table.rows[:SAMPLE_ROWS]], notes=table.notes,
          total_rows=len(table.rows))


@db_task()
def validate_import(job_id: str) -> None:
    job = _job(job_id)
    if job is not None:
        _check(job)


def _check(job: ImportJob) -> None:
    if not _start(job, JobStatus.VALIDATING):
        return
    progress, cancelled = _callbacks(job)
    with override(job.user.language):
        try:
            outcome = validate(job, progress, cancelled)
        except FileError as error:
            _move(job, (JobStatus.VALIDATING,), JobStatus.INVALID, errors=[error.error.as_dict()],
                  error_count=1, valid_rows=0, preview=[])
            return
        except Cancelled:
            _cancelled(job, JobStatus.VALIDATING)
            return
        except Exception:
            _failed(job, JobStatus.VALIDATING)
            return
    _move(job, (JobStatus.VALIDATING,), JobStatus.INVALID if outcome.errors else JobStatus.READY,
          total_rows=outcome.total, valid_rows=outcome.valid, error_count=outcome.failing_rows,
          errors=[error.as_dict() for error in outcome.errors[:MAX_STORED_ERRORS]],
          preview=outcome.preview)


@db_task()
def apply_import(job_id: str) -> None:
    job = _job(job_id)
    if job is None or not _start(job, JobStatus.RUNNING):
        return
    progress, cancelled = _callbacks(job)
    try:
        with override(job.user.language):
            report = apply(job, progress, cancelled)
    except Cancelled:
        _cancelled(job, JobStatus.RUNNING)
        return
    except Exception:
        _failed(job, JobStatus.RUNNING)
        return
    logger.info("import %s wrote %d records into report %s", job.pk, job.valid_rows, report.pk)
    job.remove_files()


def fail_interrupted(*, before=None, older_than: timedelta | None = None) -> int:
    """Mark failed the jobs a stopped worker left under way; their transaction was rolled back.

    `before`: jobs that went under way before this moment (when this worker started);
    `older_than`: jobs whose progress has not moved for this long.
    """
    now = timezone.now()
    count = 0
    jobs = ImportJob.objects.filter(status__in=(JobStatus.VALIDATING, JobStatus.RUNNING))
    if before is not None:
        jobs = jobs.filter(updated_at__lt=before)
    for job in jobs.select_related("user"):
        if older_than is not None:
            progress = job.directory / "progress.json"
            heartbeat = max(job.updated_at.timestamp(),
                            progress.stat().st_mtime if progress.exists() else 0)
            if now.timestamp() - heartbeat < older_than.total_seconds():
                continue
        with override(job.user.language):
            count += _move(job, (job.status,), JobStatus.FAILED,
                           message=_("This import was interrupted (the node or its worker "
                                     "stopped); nothing was written. Start it again."))
    return count


# Set when the worker process loads this module, before any of its workers takes a job.
_WORKER_STARTED = timezone.now()


@on_startup()
def _fail_interrupted_on_startup() -> None:
    fail_interrupted(before=_WORKER_STARTED)


@db_periodic_task(crontab(minute="*/10"))
def fail_stale_jobs() -> None:
    fail_interrupted(older_than=STALE_AFTER)
