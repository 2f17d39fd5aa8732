"""Apply a checked import: every staged row or none, in one transaction.

Rows become entities first reported in the chosen report (or in a draft report created for the
import), with the report's handling and its place in the workflow, so imported records go
through the same four eyes as typed ones. Entities, their mentions, recipients, links and search
words are written with bulk inserts in batches; between batches the job looks for a cancel
request and reports progress. A cancel, an error or a stopped process rolls everything back.
The audit trail gets one entry for the import, with its count, not one per row.
"""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.imports.choices import JobStatus
from pcms.imports.models import ImportJob
from pcms.imports.validation import Cancelled
from pcms.records import actions
from pcms.records import schema as ftm
from pcms.records.choices import Status
from pcms.records.models import Entity, Link, Mention, Report, SearchToken
from pcms.records.search import properties_text, tokens
from pcms.records.visibility import can_edit
from pcms.reference.models import Platform

BATCH = 2000
SQLITE_CACHE_KB = 1024 * 1024
EDITABLE = (Status.DRAFT, Status.RETURNED)


def staged_rows(job: ImportJob) -> Iterator[dict]:
    with open(job.staged_path, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _target_report(job: ImportJob) -> Report:
    if job.report_id is None:
        data = dict(job.new_report)
        recipients = Platform.objects.filter(code__in=data.pop("recipients", []))
        return actions.create_report(job.user, data, recipients=recipients)
    report = Report.objects.select_for_update().get(pk=job.report_id)
    if not can_edit(job.user, report) or report.status not in EDITABLE:
        raise PermissionDenied(_("Entities are imported only into a draft or returned report "
                                 "of your platform."))
    return report


def apply(job: ImportJob, progress: Callable[[int, int], None],
          cancelled: Callable[[], bool]) -> Report:
    """Write the staged rows; returns the report they are attached to."""
    total = job.valid_rows
    with transaction.atomic(), _large_cache():
        report = _target_report(job)
        rows = _EntityRows(report)
        recipients = list(report.recipients.values_list("pk", flat=True))
        done = 0
        staged = staged_rows(job)
        while batch := list(islice(staged, BATCH)):
            _write(batch, rows, recipients)
            done += len(batch)
            progress(done, total)
            if cancelled():
                raise Cancelled
        record(AuditAction.CREATE, actor=job.user, obj=report,
               detail={"import": str(job.pk), "entities": done, "file_sha256": job.sha256})
        # Done in the same transaction as the rows: a job is never done without them, nor
        # they written for a job that a cancel or a restart has meanwhile closed.
        if not ImportJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.DONE, report=report, created_count=done, preview=[], sample=[],
                finished_at=timezone.now(), updated_at=timezone.now()):
            raise Cancelled
    job.refresh_from_db()
    return report


class _EntityRows:
    """Entity rows in database form. What every imported entity shares (the report's handling,
    the report as origin, the time) is prepared once; per row only its own values are, without
    building a model instance for each."""

    OWN = ("id", "schema", "properties", "written", "caption")

    def __init__(self, report: Report) -> None:
        self.report_key = Report._meta.pk.get_db_prep_value(report.pk, connection)
        prototype = Entity(origin=report, **{name: getattr(report, name)
                                             for name in actions.HANDLING_FIELDS})
        self.fields = Entity._meta.concrete_fields
        self.columns = tuple(field.column for field in self.fields)
        self.shared = [field.get_db_prep_save(field.pre_save(prototype, add=True), connection)
                       for field in self.fields]
        self.own = [(index, field, field.name) for index, field in enumerate(self.fields)
                    if field.name in self.OWN]
        self.connection = connections[DEFAULT_DB_ALIAS]

    def values(self, row: dict) -> tuple:
        values = list(self.shared)
        for index, field, name in self.own:
            value = row[name][:300] if name == "caption" else row[name]
            values[index] = field.get_db_prep_save(value, self.connection)
        return tuple(values)


def _write(batch: list[dict], rows: _EntityRows, recipients: list[int]) -> None:
    entities = [rows.values(row) for row in batch]
    _insert(Entity, rows.columns, entities)
    Link.objects.bulk_create([link for row in batch for link in _links(row)], batch_size=BATCH)
    id_index = rows.columns.index(Entity._meta.pk.column)
    keys = [values[id_index] for values in entities]
    _insert(Mention, ("report_id", "entity_id", "role"),
            [(rows.report_key, key, row["role"]) for key, row in zip(keys, batch, strict=True)
             if row["role"]])
    _insert(Entity.recipients.through, ("entity_id", "platform_id"),
            [(key, platform) for key in keys for platform in recipients])
    # In token order, the index on tokens grows at its end instead of everywhere at once.
    _insert(SearchToken, ("token", "entity_id"),
            sorted((token, key) for key, row in zip(keys, batch, strict=True)
                   for token in tokens(properties_text(row["properties"], row["written"]))))


@contextmanager
def _large_cache():
    """On SQLite, a page cache large enough that a big import does not spill to disk midway."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows in bulk without Django's per-row query building: COPY on PostgreSQL, one prepared
    statement on SQLite. Values are already in database form; columns left out are nullable or
    generated by the database."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _links(row: dict) -> list[Link]:
    """The graph edges of an entity whose references were checked when the import was."""
    schema, properties, entity_id = ftm.get_schema(row["schema"]), row["properties"], row["id"]
    if schema.edge and schema.source_prop and schema.target_prop:
        return [Link(source_id=source, target_id=target, via_id=entity_id, label=schema.name)
                for source in properties.get(schema.source_prop.name, [])
                for target in properties.get(schema.target_prop.name, [])]
    return [Link(source_id=entity_id, target_id=target, via_id=entity_id, label=name)
            for name, target in ftm.entity_references(schema, properties)]
