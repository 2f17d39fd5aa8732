"""Export a selection of records as followthemoney JSON lines, a STIX 2.1 bundle or CSV.

Whatever the format, an export holds only what its user may read (`readable`), trimmed to the
chosen profile, and every record in it carries its handling marking (owner, dissemination, onward
and judicial use, classification). A reference to a record left out is dropped, so an export never
reveals the id of a record its reader may not see. Each export is one audit entry naming the
records it holds; a user may make a limited number per hour.
"""

import csv
import io
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from followthemoney.types import registry

from pcms.audit.choices import AuditAction
from pcms.audit.models import AuditEntry
from pcms.audit.services import record
from pcms.core.choices import Classification
from pcms.core.tabular import safe_cell
from pcms.imports import profiles
from pcms.imports.choices import ExportFormat, ExportProfile
from pcms.records import schema as ftm
from pcms.records.models import Entity, Report
from pcms.records.visibility import may_use_records, readable

AUDIT_TYPE = "records.entity"
CONTENT_TYPES = {
    ExportFormat.FTM: "application/x-ndjson; charset=utf-8",
    ExportFormat.STIX: "application/stix+json;version=2.1",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}
EXTENSIONS = {ExportFormat.FTM: "ftm.json", ExportFormat.STIX: "stix.json", ExportFormat.CSV: "csv"}
FIXED_COLUMNS = ("id", "schema", "caption", "owner", "handling", "classification", "status")


class ExportRefused(Exception):
    """An export that is not made, with the reason to show and the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Selection:
    reports: list[Report]
    entities: list[Entity]


@dataclass
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    count: int


def _uuids(values: Iterable[str]) -> list[str]:
    found = []
    for value in values:
        try:
            found.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return found


def select(user, *, reports: Iterable[str] = (), references: Iterable[str] = (),
           entities: Iterable[str] = ()) -> Selection:
    """The readable reports named by id or reference, their readable entities, and the
    readable entities named by id."""
    references = [ref.strip().upper() for ref in references if ref.strip()]
    chosen = readable(Report.objects.filter(Q(pk__in=_uuids(reports)) | Q(reference__in=references)),
                      user).select_related("owner").prefetch_related("recipients")
    chosen = list(chosen)
    wanted = Q(pk__in=_uuids(entities))
    if chosen:
        wanted |= Q(origin__in=chosen) | Q(mentions__report__in=chosen)
    ids = readable(Entity.objects.filter(wanted), user).values_list("pk", flat=True).distinct()
    found = (Entity.objects.filter(pk__in=list(ids)).select_related("owner")
             .prefetch_related("recipients").order_by("created_at", "id"))
    return Selection(chosen, list(found))


def exports_left(user) -> int:
    since = timezone.now() - timedelta(hours=1)
    used = AuditEntry.objects.filter(actor=user, action=AuditAction.EXPORT, object_type=AUDIT_TYPE,
                                     at__gte=since).count()
    return max(0, settings.EXPORTS_PER_HOUR - used)


def marking(record_: Report | Entity) -> dict:
    return {
        "owner": record_.owner.code,
        "handling": record_.handling_code,
        "classification": Classification(record_.classification).name,
        "status": record_.status,
    }


def trimmed(entity: Entity, profile: str, kept_ids: set[str]) -> dict[str, list[str]] | None:
    """The entity's properties under the profile; None when the profile leaves it out."""
    schema = ftm.get_schema(entity.schema)
    if not profiles.keeps_schema(profile, schema):
        return None
    properties: dict[str, list[str]] = {}
    for name, values in entity.properties.items():
        prop = schema.properties.get(name)
        if prop is None or not profiles.keeps_property(profile, prop):
            continue
        if prop.type == registry.entity:
            values = [value for value in values if value in kept_ids]
        if values:
            properties[name] = list(values)
    if schema.edge and not (properties.get(schema.source_prop.name)
                            and properties.get(schema.target_prop.name)):
        return None
    return properties


def prepare(selection: Selection, profile: str) -> list[tuple[Entity, dict]]:
    """(entity, trimmed properties) for each entity the profile keeps. References may point only
    at kept entities that are not relations, so a relation goes only with both its ends."""
    kept = {str(entity.pk) for entity in selection.entities
            if profiles.keeps_schema(profile, schema := ftm.get_schema(entity.schema))
            and not schema.edge}
    items = []
    for entity in selection.entities:
        properties = trimmed(entity, profile, kept)
        if properties is not None:
            items.append((entity, properties))
    return items


def to_ftm_lines(items: list[tuple[Entity, dict]]) -> bytes:
    out = io.StringIO()
    for entity, properties in items:
        line = {"id": str(entity.pk), "schema": entity.schema, "caption": entity.caption,
                "properties": properties, "handling": marking(entity)}
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    return out.getvalue().encode("utf-8")


def to_csv(items: list[tuple[Entity, dict]]) -> bytes:
    columns: list[str] = []
    for entity, properties in items:
        for prop in ftm.get_schema(entity.schema).sorted_properties:
            if prop.name in properties and prop.name not in columns:
                columns.append(prop.name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*FIXED_COLUMNS, *columns])
    for entity, properties in items:
        mark = marking(entity)
        row = [str(entity.pk), entity.schema, entity.caption, mark["owner"], mark["handling"],
               mark["classification"], mark["status"]]
        row += ["; ".join(properties.get(name, [])) for name in columns]
        writer.writerow([safe_cell(value) for value in row])
    # With a byte order mark, spreadsheets read the file as UTF-8 (Arabic names included).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export(user, *, format: str, profile: str = ExportProfile.FULL, reports: Iterable[str] = (),
           references: Iterable[str] = (), entities: Iterable[str] = (), request=None) -> ExportFile:
    """Build an export of what `user` may read in the selection, and audit it."""
    from pcms.imports.stix import to_stix

    if not may_use_records(user):
        raise PermissionDenied(_("You may not export records."))
    if format not in ExportFormat.values or profile not in ExportProfile.values:
        raise ExportRefused(_("Unknown export format or profile."))
    if exports_left(user) <= 0:
        raise ExportRefused(_("You have made %(count)d exports in the last hour, the most allowed. "
                              "Try again later.") % {"count": settings.EXPORTS_PER_HOUR}, status=429)
    selection = select(user, reports=reports, references=references, entities=entities)
    if len(selection.entities) > settings.EXPORT_MAX_RECORDS:
        raise ExportRefused(_("The selection holds %(count)d records; an export holds at most "
                              "%(max)d.") % {"count": len(selection.entities),
                                             "max": settings.EXPORT_MAX_RECORDS})
    items = prepare(selection, profile)
    if not items and not (format == ExportFormat.STIX and selection.reports):
        raise ExportRefused(_("The selection holds no record that you may read and export."))
    if format == ExportFormat.FTM:
        content = to_ftm_lines(items)
    elif format == ExportFormat.CSV:
        content = to_csv(items)
    else:
        content = to_stix(selection.reports, items, profile)
    record(AuditAction.EXPORT, request=request, actor=user, object_type=AUDIT_TYPE,
           detail={"format": format, "profile": profile, "count": len(items),
                   "reports": [str(report.pk) for report in selection.reports],
                   "entities": [str(entity.pk) for entity, _props in items]})
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return ExportFile(content, f"pcms-{user.platform_code}-{stamp}.{EXTENSIONS[format]}",
                      CONTENT_TYPES[format], len(items))
