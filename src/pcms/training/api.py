"""The capacity-building programme over the API: catalogue, sessions, participants, indicators.

Same rules as the pages: coordinators and administrators read everything; any user reads their own
training history. Every participant list and official disclosed is recorded in the audit trail.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.training import indicators, services
from pcms.training.forms import SessionForm
from pcms.training.models import Course, Official, Registration, Session
from pcms.training.permissions import MANAGERS


def _managers_only(request: HttpRequest) -> None:
    if not request.user.has_role(*MANAGERS):
        raise HttpError(403, "Only programme coordinators and administrators may do this.")


class CourseOut(Schema):
    id: int
    code: str
    title_fr: str
    title_en: str
    title_ar: str
    topic: str
    format: str
    duration_days: int
    language: str


class SessionOut(Schema):
    id: int
    course: str
    starts_on: date
    ends_on: date
    place: str
    country: str
    organiser: str
    partners: str
    trainers: str
    capacity: int
    status: str
    participants: int


class SessionIn(Schema):
    course: str
    starts_on: date
    ends_on: date
    place: str
    country: str
    organiser: str
    partners: str = ""
    trainers: str = ""
    capacity: int = 25
    language: str = "fr"
    max_score: int = 100


class ParticipantOut(Schema):
    official: int
    last_name: str
    first_name: str
    gender: str
    country: str
    agency: str
    agency_kind: str
    function: str
    days_present: int
    completed: bool
    pre_score: float | None
    post_score: float | None
    certificate: str | None


class HistoryOut(Schema):
    session: int
    course: str
    starts_on: date
    ends_on: date
    place: str
    country: str
    completed: bool
    certificate: str | None


class CountOut(Schema):
    key: str
    label: str
    value: int


class ReplicationOut(Schema):
    course: str
    sessions: int
    countries: int
    officials: int


class IndicatorsOut(Schema):
    start: date | None
    end: date | None
    sessions_held: int
    officials_trained: int
    participations: int
    completed: int
    countries_reached: int
    knowledge_gain: float | None
    by_country: list[CountOut]
    by_topic: list[CountOut]
    by_agency_kind: list[CountOut]
    by_gender: list[CountOut]
    replication: list[ReplicationOut]


router = Router(tags=["training"])


def _session_out(session: Session, participants: int) -> SessionOut:
    return SessionOut(id=session.pk, course=session.course.code, starts_on=session.starts_on,
                      ends_on=session.ends_on, place=session.place, country=session.country_id,
                      organiser=session.organiser, partners=session.partners,
                      trainers=session.trainers, capacity=session.capacity, status=session.status,
                      participants=participants)


@router.get("/courses", response=list[CourseOut], summary="The catalogue of courses")
def courses(request: HttpRequest):
    _managers_only(request)
    return list(Course.objects.all())


@router.get("/sessions", response=list[SessionOut], summary="Sessions, latest first")
@paginate
def sessions(request: HttpRequest, year: int | None = None, country: str | None = None,
             course: str | None = None):
    _managers_only(request)
    queryset = Session.objects.select_related("course")
    if year:
        queryset = queryset.filter(starts_on__year=year)
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if course:
        queryset = queryset.filter(course__code=course)
    return [_session_out(s, s.n) for s in queryset.annotate(n=Count("registrations"))]


@router.post("/sessions", response={201: SessionOut}, summary="Plan a session")
def create_session(request: HttpRequest, payload: SessionIn):
    _managers_only(request)
    data = payload.dict()
    data["course"] = Course.objects.filter(code=data["course"]).values_list("pk", flat=True).first()
    data["country"] = data["country"].upper()
    form = SessionForm(data)
    if not form.is_valid():
        raise HttpError(422, "; ".join(f"{field}: {' '.join(errors)}"
                                       for field, errors in form.errors.items()))
    try:
        session = services.save_form(form, actor=request.user, request=request, created_by=request.user)
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from None
    return Status(201, _session_out(session, 0))


@router.get("/sessions/{session_id}/participants", response=list[ParticipantOut],
            summary="The participants of a session")
def participants(request: HttpRequest, session_id: int):
    _managers_only(request)
    session = get_object_or_404(Session, pk=session_id)
    registrations = session.registrations.select_related("official", "certificate")
    record(AuditAction.READ, request=request, obj=session, detail={"participants": len(registrations)})
    return [_participant(r) for r in registrations]


def _participant(r: Registration) -> ParticipantOut:
    certificate = getattr(r, "certificate", None)
    return ParticipantOut(
        official=r.official_id, last_name=r.official.last_name, first_name=r.official.first_name,
        gender=r.official.gender, country=r.official.country_id, agency=r.agency,
        agency_kind=r.agency_kind, function=r.function, days_present=r.days_present,
        completed=r.completed, pre_score=r.pre_score, post_score=r.post_score,
        certificate=certificate.code if certificate and certificate.is_valid else None)


def _history(official: Official) -> list[HistoryOut]:
    result = []
    for r in official.registrations.select_related("session__course", "certificate"):
        certificate = getattr(r, "certificate", None)
        result.append(HistoryOut(
            session=r.session_id, course=r.session.course.title, starts_on=r.session.starts_on,
            ends_on=r.session.ends_on, place=r.session.place, country=r.session.country_id,
            completed=r.completed,
            certificate=certificate.code if certificate and certificate.is_valid else None))
    return result


@router.get("/officials/{official_id}/history", response=list[HistoryOut],
            summary="The training history of an official")
def official_history(request: HttpRequest, official_id: int):
    _managers_only(request)
    official = get_object_or_404(Official, pk=official_id)
    record(AuditAction.READ, request=request, obj=official)
    return _history(official)


@router.get("/me", response=list[HistoryOut], summary="My own training history")
def my_history(request: HttpRequest):
    official = Official.objects.filter(user=request.user).first()
    if official is None:
        return []
    record(AuditAction.READ, request=request, obj=official, detail={"own": True})
    return _history(official)


@router.get("/indicators", response=IndicatorsOut, summary="Indicators for a period")
def indicator_report(request: HttpRequest, start: date | None = None, end: date | None = None,
                     country: str | None = None, topic: str | None = None):
    _managers_only(request)
    report = indicators.compute(start, end, country=country.upper() if country else None, topic=topic)
    record(AuditAction.EXPORT, request=request, object_type="training.report",
           detail={"format": "api", "start": str(start or ""), "end": str(end or "")})

    def rows(items):
        return [CountOut(key=row.key, label=row.label, value=row.value) for row in items]

    return IndicatorsOut(
        start=start, end=end, sessions_held=report.sessions_held,
        officials_trained=report.officials_trained, participations=report.participations,
        completed=report.completed, countries_reached=report.countries_reached,
        knowledge_gain=report.knowledge_gain, by_country=rows(report.by_country),
        by_topic=rows(report.by_topic), by_agency_kind=rows(report.by_agency_kind),
        by_gender=rows(report.by_gender),
        replication=[ReplicationOut(course=item.course.code, sessions=item.sessions,
                                    countries=item.countries, officials=item.officials)
                     for item in report.replication])
