"""`POST /api/v1/screen`: the same check as the screening page, with the same disclosure rules."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from pcms.matching import InvalidEntity
from pcms.records import schema as ftm
from pcms.records.visibility import may_use_records
from pcms.reference.models import Purpose
from pcms.screening import services
from pcms.screening.choices import Disclosure

router = Router(tags=["screening"])
SCHEMATA = ("Person", "Organization", "Vehicle", "Passport", "Identification")


class ScreenIn(Schema):
    schema_: str = Field(alias="schema", description="Person, Organization, Vehicle, Passport or "
                                                     "Identification")
    properties: dict[str, list[str]] = Field(description="followthemoney properties, e.g. name, "
                                                         "birthDate, nationality, idNumber")
    purpose: str = Field(max_length=40, description="Code of a purpose from /reference/purposes")
    reason: str = Field(min_length=3, max_length=300, description="Why this check is made")
    limit: int = Field(10, ge=1, le=50)


class EvidenceOut(Schema):
    code: str
    verdict: str
    level: str
    weight: float
    detail: str


class CandidateOut(Schema):
    disclosure: Disclosure
    owner: str
    score: float
    is_match: bool
    entity_id: UUID | None = None
    caption: str | None = None
    entity_schema: str | None = None
    explanation: list[EvidenceOut] = Field(default_factory=list)


class AlertHitOut(Schema):
    hit: UUID
    alert: str
    kind: str
    score: float


class ScreenOut(Schema):
    screening: UUID
    hit: bool
    candidates: list[CandidateOut]
    alerts: list[AlertHitOut] = Field(default_factory=list, description="Active alerts this check hit")


@router.post("/screen", response=ScreenOut, summary="Check a person, vehicle or document: hit / no hit")
def screen(request: HttpRequest, payload: ScreenIn):
    user = request.user
    if not may_use_records(user) or not user.has_role("officer", "supervisor", "analyst"):
        raise HttpError(403, "Your roles do not allow screening.")
    if payload.schema_ not in SCHEMATA:
        raise HttpError(422, f"schema must be one of {', '.join(SCHEMATA)}")
    purpose = Purpose.objects.filter(code=payload.purpose, is_active=True).first()
    if purpose is None:
        raise HttpError(422, f"unknown purpose {payload.purpose!r}; see /api/v1/reference/purposes")
    cleaned = ftm.clean_properties(ftm.get_schema(payload.schema_), payload.properties)
    if cleaned.errors:
        raise HttpError(422, "; ".join(f"{k}: {v}" for k, v in cleaned.errors.items()))
    if not cleaned.properties:
        raise HttpError(422, "give at least one property to check")
    try:
        screening, candidates = services.screen(
            user, {"schema": payload.schema_, "properties": cleaned.properties}, purpose,
            payload.reason, limit=payload.limit, request=request)
    except InvalidEntity as error:
        raise HttpError(422, str(error)) from None
    out = []
    for candidate in candidates:
        item = {"disclosure": candidate.disclosure, "owner": candidate.owner_code,
                "score": round(candidate.result.score, 4), "is_match": candidate.result.is_match}
        if candidate.disclosure == Disclosure.FULL:
            item |= {"entity_id": candidate.entity.pk, "caption": candidate.entity.caption,
                     "entity_schema": candidate.entity.schema,
                     "explanation": services.explanation_data(candidate.result)}
        out.append(item)
    alerts = [{"hit": h.pk, "alert": h.alert.reference, "kind": h.alert.kind, "score": h.score}
              for h in screening.alert_hits]
    return {"screening": screening.pk, "hit": screening.hit, "candidates": out, "alerts": alerts}
