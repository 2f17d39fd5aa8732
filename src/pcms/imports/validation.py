"""Check every row of an import before anything is written, and stage the rows that pass.

Each candidate is cleaned by the entity model exactly as an entity typed in a form would be
(`pcms.records.schema.clean_properties`), so an import accepts and refuses what a form does.
Every failure is kept with its line, field, reason and the value as written. The rows as they
will be stored go to a staging file beside the upload, read back when the import is applied,
so what is applied is exactly what was previewed.

followthemoney files may point from one entity to another (a passport's holder, the two sides of
a family relation): those references are rewired to the new entities' ids, and a reference to
nothing in the file, nor to an entity the user may read, is an error.
"""

import json
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from followthemoney.types import registry

from pcms.imports.models import ImportJob
from pcms.imports.reading import (
    Candidate,
    RowError,
    ftm_candidates,
    read_job_table,
    table_candidates,
)
from pcms.records import schema as ftm
from pcms.records.choices import MentionRole
from pcms.records.labels import property_label
from pcms.records.models import Entity
from pcms.records.visibility import readable

PREVIEW_ROWS = 10
PROGRESS_EVERY = 2000
# The role of an entity in its report when the import's own role (suspect, victim...) is for
# people and organisations; relations are not mentioned, like those entered in a form.
ROLE_BY_SCHEMA = {
    "Vehicle": MentionRole.VEHICLE_USED,
    "Firearm": MentionRole.WEAPON_USED,
    "Phone": MentionRole.PHONE_USED,
    "Passport": MentionRole.DOCUMENT_USED,
    "Identification": MentionRole.DOCUMENT_USED,
    "Address": MentionRole.PLACE,
}


class Cancelled(Exception):
    """The user cancelled the job; whatever it was doing is dropped."""


@dataclass
class Outcome:
    total: int = 0
    valid: int = 0
    failing_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)


def role_for(schema, job_role: str) -> str:
    if schema.edge:
        return ""
    return ROLE_BY_SCHEMA.get(schema.name, job_role or MentionRole.OTHER)


def validate(job: ImportJob, progress: Callable[[int, int], None],
             cancelled: Callable[[], bool]) -> Outcome:
    """Check the job's file row by row; stage the clean rows; return counts, errors and preview."""
    if job.is_table:
        candidates = table_candidates(read_job_table(job), job.schema, job.columns)
        errors: list[RowError] = []
    else:
        candidates, errors = ftm_candidates(job)
    outcome = Outcome(total=len(candidates) + len(errors))
    new_ids = _assign_ids(candidates, errors)
    default_country = job.platform.country_id
    staged: list[dict] = []
    for number, candidate in enumerate(candidates, start=1):
        row = _clean(candidate, new_ids, default_country, job.role, errors)
        if row is not None:
            staged.append(row)
        if number % PROGRESS_EVERY == 0:
            progress(number, outcome.total)
            if cancelled():
                raise Cancelled
    _check_outside_references(job, staged, new_ids, errors)
    errors.sort(key=lambda error: (error.line or 0, error.field))
    failing = {error.line for error in errors}
    staged = [row for row in staged if row["line"] not in failing]
    outcome.errors = errors
    outcome.failing_rows = len(failing)
    outcome.valid = len(staged)
    outcome.preview = staged[:PREVIEW_ROWS]
    progress(outcome.total, outcome.total)
    if not errors:
        with open(job.staged_path, "w", encoding="utf-8") as out:
            for row in staged:
                out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    return outcome


def new_id() -> str:
    """A time-ordered UUID (version 7, RFC 9562: milliseconds, then 74 random bits). The entities
    of one import get neighbouring ids, so every index on them grows at one place, as a log
    does, instead of at random places all over a large table."""
    milliseconds = time.time_ns() // 1_000_000
    value = ((milliseconds & (1 << 48) - 1) << 80 | 0x7 << 76 | secrets.randbits(12) << 64
             | 0b10 << 62 | secrets.randbits(62))
    return str(uuid.UUID(int=value))


def _assign_ids(candidates: list[Candidate], errors: list[RowError]) -> dict[str, str]:
    """A new id for each entity the file names, so that references between them can follow."""
    new_ids: dict[str, str] = {}
    for candidate in candidates:
        if not candidate.ref:
            continue
        if candidate.ref in new_ids:
            errors.append(RowError(candidate.line, "id", _("Another entity of the file has the "
                                                           "same id."), candidate.ref))
            continue
        new_ids[candidate.ref] = new_id()
    return new_ids


def _clean(candidate: Candidate, new_ids: dict[str, str], default_country: str | None,
           job_role: str, errors: list[RowError]) -> dict | None:
    try:
        schema = ftm.get_schema(candidate.schema)
    except ftm.SchemaError:
        errors.append(RowError(candidate.line, "schema", _("Unknown entity type."), candidate.schema))
        return None
    cleaned = ftm.clean_properties(schema, candidate.values, default_country=default_country)
    for name, message in cleaned.errors.items():
        errors.append(RowError(candidate.line, candidate.fields.get(name, name), message,
                               " ; ".join(candidate.values.get(name, []))))
    for name in schema.required:
        if name not in cleaned.properties and name not in cleaned.errors:
            label = candidate.fields.get(name) or property_label(schema.properties[name])
            errors.append(RowError(candidate.line, label, _("This field is required.")))
    if cleaned.errors:
        return None
    properties, written = cleaned.properties, cleaned.written
    outside: list[tuple[str, str]] = []
    for name, values in list(properties.items()):
        if schema.properties[name].type != registry.entity:
            continue
        written.pop(name, None)
        properties[name] = [new_ids.get(value, value) for value in values]
        outside += [(name, value) for value in values if value not in new_ids]
    return {
        "line": candidate.line,
        "id": new_ids.get(candidate.ref) or new_id(),
        "schema": schema.name,
        "properties": properties,
        "written": written,
        "caption": ftm.caption(schema, properties),
        "role": role_for(schema, job_role),
        "outside": outside,
    }


def _check_outside_references(job: ImportJob, staged: list[dict], new_ids: dict[str, str],
                              errors: list[RowError]) -> None:
    """A reference to no entity of the file must be to an entity the importing user may read."""
    wanted = {value for row in staged for _name, value in row["outside"]}
    known: set[str] = set()
    valid = []
    for value in wanted:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    if valid:
        queryset = readable(Entity.objects.filter(pk__in=valid), job.user)
        known = {str(pk) for pk in queryset.values_list("pk", flat=True)}
    for row in staged:
        for name, value in row.pop("outside"):
            if value not in known:
                errors.append(RowError(row["line"], name, _("Refers to an entity that is neither in "
                                                          "the file nor readable here."), value))
