"""Reports and entities through the REST API: the same rules as the pages, through the same actions."""

from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as StatusResponse

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.records import actions
from pcms.records.choices import (
    Dissemination,
    InformationCredibility,
    MentionRole,
    SourceReliability,
    Status,
    ThreatCategory,
)
from pcms.records.filtersets import EntityFilterSet, ReportFilterSet
from pcms.records.models import Entity, Mention, Report
from pcms.records.visibility import may_use_records, readable
from pcms.reference.models import Platform

router = Router(tags=["records"])


class HandlingOut(Schema):
    owner: str
    dissemination: Dissemination
    recipients: list[str]
    onward_allowed: bool
    judicial_use: bool
    hit_notice: bool
    classification: int
    code: str


class EntityOut(Schema):
    """An entity as followthemoney JSON plus its workflow status and handling."""

    id: UUID
    schema_: str = Field(alias="schema")
    caption: str
    properties: dict[str, list[str]]
    written: dict[str, list[str]]
    status: Status
    handling: HandlingOut


class MentionOut(Schema):
    role: MentionRole
    entity: EntityOut


class ReportSummaryOut(Schema):
    id: UUID
    reference: str
    title: str
    category: ThreatCategory
    purpose: str | None
    facts_date: date | None
    status: Status
    evaluation: str
    owner: str


class ReportOut(ReportSummaryOut):
    narrative: str
    place: str
    country: str | None
    region: str | None
    agency: str | None
    source_reliability: SourceReliability
    credibility: InformationCredibility
    version: int
    created_at: datetime
    validated_at: datetime | None
    handling: HandlingOut
    mentions: list[MentionOut]


class ReportIn(Schema):
    title: str = Field(max_length=300)
    category: ThreatCategory
    purpose: str = Field(max_length=40, description="Code of a purpose from /reference/purposes")
    narrative: str = Field("", max_length=100_000)
    facts_date: date | None = None
    place: str = Field("", max_length=200)
    country: str | None = Field(None, max_length=2)
    region: str | None = Field(None, max_length=10)
    agency: str | None = Field(None, max_length=40)
    source_reliability: SourceReliability
    credibility: InformationCredibility
    dissemination: Dissemination = Dissemination.OWN
    recipients: list[str] = Field(default_factory=list, max_length=20)
    onward_allowed: bool = False
    judicial_use: bool = False
    hit_notice: bool = True
    classification: int = Field(1, ge=0, le=3)


class ReportPatch(ReportIn):
    reason: str = Field("", max_length=500)


class EntityIn(Schema):
    schema_: str = Field(alias="schema", max_length=40)
    properties: dict[str, list[str]]
    role: MentionRole | None = None


class EntityPatch(Schema):
    properties: dict[str, list[str]]


class RelationIn(Schema):
    schema_: str = Field(alias="schema", max_length=40)
    source: UUID
    target: UUID
    properties: dict[str, list[str]] = Field(default_factory=dict)


class ReviewIn(Schema):
    comment: str = Field("", max_length=500)


class ReportFilters(FilterSchema):
    q: str | None = Field(None, max_length=200)
    category: ThreatCategory | None = None
    status: Status | None = None
    facts_after: date | None = None
    facts_before: date | None = None
    owner: str | None = Field(None, max_length=8)


class EntityFilters(FilterSchema):
    q: str | None = Field(None, max_length=200)
    schema_: str | None = Field(None, alias="schema", max_length=40)
    owner: str | None = Field(None, max_length=8)


def _user(request: HttpRequest):
    if not may_use_records(request.user):
        raise HttpError(403, "Your roles give no access to operational records.")
    return request.user


def _handling(record_) -> HandlingOut:
    return HandlingOut(
        owner=record_.owner.code,
        dissemination=record_.dissemination,
        recipients=sorted(p.code for p in record_.recipients.all()),
        onward_allowed=record_.onward_allowed,
        judicial_use=record_.judicial_use,
        hit_notice=record_.hit_notice,
        classification=record_.classification,
        code=record_.handling_code,
    )


def _entity_out(entity: Entity) -> dict:
    """A plain dict: pydantic would read a model's `schema` attribute as its own method."""
    return {
        "id": entity.pk,
        "schema": entity.schema,
        "caption": entity.caption,
        "properties": entity.properties,
        "written": entity.written,
        "status": entity.status,
        "handling": _handling(entity),
    }


def _summary(report: Report) -> ReportSummaryOut:
    return ReportSummaryOut(
        id=report.pk,
        reference=report.reference,
        title=report.title,
        category=report.category,
        purpose=report.purpose.code if report.purpose_id else None,
        facts_date=report.facts_date,
        status=report.status,
        evaluation=report.evaluation,
        owner=report.owner.code,
    )


def _report_out(request: HttpRequest, report: Report) -> dict:
    visible = readable(Entity.objects.all(), request.user)
    mentions = (
        Mention.objects.filter(report=report, entity__in=visible)
        .select_related("entity__owner")
        .order_by("id")
    )
    return dict(
        **_summary(report).dict(),
        narrative=report.narrative,
        place=report.place,
        country=report.country_id,
        region=report.region_id,
        agency=report.agency.code if report.agency_id else None,
        source_reliability=report.source_reliability,
        credibility=report.credibility,
        version=report.version,
        created_at=report.created_at,
        validated_at=report.validated_at,
        handling=_handling(report),
        mentions=[{"role": m.role, "entity": _entity_out(m.entity)} for m in mentions],
    )


def _report_data(payload: ReportIn) -> tuple[dict, list[Platform]]:
    from pcms.reference.models import Agency, Country, Purpose, Region

    data = payload.dict(exclude={"recipients", "reason"})
    errors = {}
    for name, model, key in (
        ("country", Country, "code"),
        ("region", Region, "code"),
        ("agency", Agency, "code"),
    ):
        code = data.pop(name)
        data[name] = None
        if code:
            data[name] = model.objects.filter(**{key: code.upper() if name != "agency" else code}).first()
            if data[name] is None:
                errors[name] = f"unknown {name} {code!r}"
    data["purpose"] = Purpose.objects.filter(code=payload.purpose, is_active=True).first()
    if data["purpose"] is None:
        errors["purpose"] = f"unknown purpose {payload.purpose!r}; see /api/v1/reference/purposes"
    recipients = list(Platform.objects.filter(code__in=payload.recipients))
    unknown = set(payload.recipients) - {p.code for p in recipients}
    if unknown:
        errors["recipients"] = f"unknown platform(s): {', '.join(sorted(unknown))}"
    if payload.dissemination == Dissemination.NAMED and not recipients:
        errors["recipients"] = "name at least one platform"
    if errors:
        raise HttpError(422, "; ".join(f"{k}: {v}" for k, v in errors.items()))
    return data, recipients


def _run(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except actions.RecordError as error:
        raise HttpError(422, str(error)) from None
    except PermissionDenied as error:
        raise HttpError(403, str(error) or "Not allowed.") from None


def _readable_report(request: HttpRequest, pk: UUID) -> Report:
    return get_object_or_404(
        readable(Report.objects.select_related("owner", "agency", "purpose"), _user(request)), pk=pk
    )


@router.get("/reports", response=list[ReportSummaryOut], by_alias=True, summary="Reports the caller may read")
@paginate
def list_reports(request: HttpRequest, filters: Query[ReportFilters]):
    user = _user(request)
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    if "owner" in params:
        params["owner"] = Platform.objects.filter(code=params["owner"]).values_list("pk", flat=True).first()
    reports = Report.objects.select_related("owner", "purpose")
    queryset = ReportFilterSet(params, queryset=readable(reports, user)).qs
    record(
        AuditAction.SEARCH,
        request=request,
        object_type="records.report",
        detail={"filters": {k: str(v)[:100] for k, v in params.items()}},
    )
    return [_summary(report) for report in queryset]


@router.post("/reports", response={201: ReportOut}, by_alias=True, summary="Enter a report (as a draft)")
def create_report(request: HttpRequest, payload: ReportIn):
    user = _user(request)
    data, recipients = _report_data(payload)
    report = _run(actions.create_report, user, data, recipients, request=request)
    return StatusResponse(201, _report_out(request, report))


@router.get(
    "/reports/{pk}", response=ReportOut, by_alias=True, summary="One report with the entities it mentions"
)
def get_report(request: HttpRequest, pk: UUID):
    report = _readable_report(request, pk)
    record(AuditAction.READ, request=request, obj=report)
    return _report_out(request, report)


@router.patch(
    "/reports/{pk}",
    response=ReportOut,
    by_alias=True,
    summary="Change a report; after validation, a correction with a reason",
)
def update_report(request: HttpRequest, pk: UUID, payload: ReportPatch):
    report = _readable_report(request, pk)
    data, recipients = _report_data(payload)
    report = _run(
        actions.update_report, request.user, report, data, recipients, reason=payload.reason, request=request
    )
    return _report_out(request, report)


@router.post(
    "/reports/{pk}/entities",
    response={201: EntityOut},
    by_alias=True,
    summary="Add an entity of any followthemoney schema to a report",
)
def add_entity(request: HttpRequest, pk: UUID, payload: EntityIn):
    report = _readable_report(request, pk)
    entity = _run(
        actions.add_entity,
        request.user,
        report,
        payload.schema_,
        payload.properties,
        role=payload.role or "",
        request=request,
    )
    return StatusResponse(201, _entity_out(entity))


@router.post(
    "/reports/{pk}/relations",
    response={201: EntityOut},
    by_alias=True,
    summary="Relate two entities of a report (Family, Membership, Ownership...)",
)
def add_relation(request: HttpRequest, pk: UUID, payload: RelationIn):
    report = _readable_report(request, pk)
    visible = readable(Entity.objects.all(), request.user)
    source = get_object_or_404(visible, pk=payload.source)
    target = get_object_or_404(visible, pk=payload.target)
    entity = _run(
        actions.relate,
        request.user,
        report,
        payload.schema_,
        source,
        target,
        payload.properties,
        request=request,
    )
    return StatusResponse(201, _entity_out(entity))


@router.post("/reports/{pk}/submit", response=ReportOut, by_alias=True, summary="Submit for validation")
def submit(request: HttpRequest, pk: UUID):
    report = _run(actions.submit, request.user, _readable_report(request, pk), request=request)
    return _report_out(request, report)


@router.post(
    "/reports/{pk}/validate",
    response=ReportOut,
    by_alias=True,
    summary="Validate (a supervisor other than the author)",
)
def validate(request: HttpRequest, pk: UUID, payload: ReviewIn):
    report = _run(
        actions.validate, request.user, _readable_report(request, pk), payload.comment, request=request
    )
    return _report_out(request, report)


@router.post("/reports/{pk}/return", response=ReportOut, by_alias=True, summary="Return for correction")
def return_for_correction(request: HttpRequest, pk: UUID, payload: ReviewIn):
    report = _run(
        actions.return_for_correction,
        request.user,
        _readable_report(request, pk),
        payload.comment,
        request=request,
    )
    return _report_out(request, report)


@router.get("/entities", response=list[EntityOut], by_alias=True, summary="Entities the caller may read")
@paginate
def list_entities(request: HttpRequest, filters: Query[EntityFilters]):
    user = _user(request)
    params = {k: v for k, v in filters.dict(by_alias=True).items() if v not in (None, "")}
    if "owner" in params:
        params["owner"] = Platform.objects.filter(code=params["owner"]).values_list("pk", flat=True).first()
    queryset = EntityFilterSet(params, queryset=readable(Entity.objects.select_related("owner"), user)).qs
    record(
        AuditAction.SEARCH,
        request=request,
        object_type="records.entity",
        detail={"filters": {k: str(v)[:100] for k, v in params.items()}},
    )
    return [_entity_out(entity) for entity in queryset.prefetch_related("recipients")]


@router.get("/entities/{pk}", response=EntityOut, by_alias=True, summary="One entity")
def get_entity(request: HttpRequest, pk: UUID):
    entity = get_object_or_404(readable(Entity.objects.select_related("owner"), _user(request)), pk=pk)
    record(AuditAction.READ, request=request, obj=entity)
    return _entity_out(entity)


@router.patch("/entities/{pk}", response=EntityOut, by_alias=True, summary="Change an entity's properties")
def update_entity(request: HttpRequest, pk: UUID, payload: EntityPatch):
    entity = get_object_or_404(readable(Entity.objects.all(), _user(request)), pk=pk)
    entity = _run(actions.update_entity, request.user, entity, payload.properties, request=request)
    return _entity_out(entity)
