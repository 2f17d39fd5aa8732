"""Pages of the capacity-building programme. Thin: they read, and call services to write."""

from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core.pdf import render_pdf
from pcms.reference.models import Platform
from pcms.training import exports, indicators, services
from pcms.training.choices import CertificateLanguage, SessionStatus
from pcms.training.forms import (
    AttendanceForm,
    CertificateForm,
    CourseForm,
    EditionForm,
    EvaluationForm,
    FollowUpForm,
    ImportForm,
    LinkAccountForm,
    ParticipantForm,
    PeriodForm,
    RecommendationForm,
    ScoresForm,
    SeriesForm,
    SessionFilterForm,
    SessionForm,
)
from pcms.training.models import (
    Certificate,
    Course,
    MeetingEdition,
    MeetingSeries,
    Official,
    ParticipantImport,
    Recommendation,
    Registration,
    Session,
)
from pcms.training.participants import ParticipantListError, entity, known_officials_index
from pcms.training.permissions import MANAGERS


def manager_required(view):
    """Coordinators and administrators only."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.has_role(*MANAGERS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# Dashboard and report -------------------------------------------------------------------------

def _period(request: HttpRequest) -> tuple[PeriodForm, dict]:
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, {"start": data["start"], "end": data["end"],
                      "country": data["country"].code if data["country"] else None,
                      "topic": data["topic"] or None}
    return form, {"start": None, "end": None, "country": None, "topic": None}


@manager_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    report = indicators.compute(period["start"], period["end"], country=period["country"],
                                topic=period["topic"])
    return render(request, "training/dashboard.html", {
        "form": form, "report": report, "charts": indicators.chart_data(report),
        "definitions": indicators.DEFINITIONS, "query": request.GET.urlencode(),
        "upcoming": Session.objects.filter(status=SessionStatus.PLANNED, starts_on__gte=timezone.localdate())
        .select_related("course", "country").order_by("starts_on")[:8],
    })


@manager_required
def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    form, period = _period(request)
    if form.is_bound and not form.is_valid():
        return redirect(reverse("training:dashboard") + "?" + request.GET.urlencode())
    report = indicators.compute(period["start"], period["end"], country=period["country"],
                                topic=period["topic"])
    record(AuditAction.EXPORT, request=request, object_type="training.report",
           detail={"format": fmt, **{k: str(v) for k, v in period.items() if v}})
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(exports.report_xlsx(report),
                                content_type="application/vnd.openxmlformats-officedocument."
                                             "spreadsheetml.sheet")
    else:
        language = request.GET.get("language") or request.LANGUAGE_CODE
        language = language if language in CertificateLanguage.values else "fr"
        response = HttpResponse(exports.report_pdf(report, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="training-report-{stamp}.{fmt}"'
    return response


# Courses ---------------------------------------------------------------------------------------

@manager_required
def courses(request: HttpRequest) -> HttpResponse:
    items = Course.objects.annotate(
        session_count=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD)),
        country_count=Count("sessions__country", filter=Q(sessions__status=SessionStatus.HELD),
                            distinct=True))
    return render(request, "training/courses.html", {"courses": items})


@manager_required
def course(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Course, pk=pk)
    sessions = item.sessions.select_related("country").annotate(participants=Count("registrations"))
    return render(request, "training/course.html", {"course": item, "sessions": sessions})


@manager_required
def course_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(Course, pk=pk) if pk else None
    form = CourseForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        item = services.save_form(form, actor=request.user, request=request)
        messages.success(request, _("The course was saved."))
        return redirect(item)
    return render(request, "training/form.html", {
        "form": form, "title": _("Edit the course") if item else _("New course"),
        "cancel": item.get_absolute_url() if item else reverse("training:courses")})


# Sessions --------------------------------------------------------------------------------------

@manager_required
def sessions(request: HttpRequest) -> HttpResponse:
    form = SessionFilterForm(request.GET or None)
    items = Session.objects.select_related("course", "country").annotate(
        participants=Count("registrations")).order_by("-starts_on", "pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            items = items.filter(Q(course__title_fr__icontains=data["q"]) | Q(place__icontains=data["q"])
                                 | Q(course__title_en__icontains=data["q"])
                                 | Q(course__code__icontains=data["q"]))
        if data["year"]:
            items = items.filter(starts_on__year=data["year"])
        if data["country"]:
            items = items.filter(country=data["country"])
        if data["topic"]:
            items = items.filter(course__topic=data["topic"])
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "training/sessions.html", {"form": form, "page": page,
                                                      "query": query.urlencode()})


@manager_required
def session_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(Session, pk=pk) if pk else None
    initial = {}
    if item is None and request.GET.get("course"):
        initial["course"] = request.GET["course"]
    form = SessionForm(request.POST or None, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            extra = {} if item else {"created_by": request.user}
            item = services.save_form(form, actor=request.user, request=request, **extra)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect(item)
    return render(request, "training/form.html", {
        "form": form, "title": _("Edit the session") if item else _("Plan a session"),
        "cancel": item.get_absolute_url() if item else reverse("training:sessions")})


@manager_required
def session(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Session.objects.select_related("course", "country", "platform"), pk=pk)
    registrations = item.registrations.select_related("official__country", "certificate")
    evaluations = item.evaluations.aggregate(
        count=Count("id"), relevance=Avg("relevance"), content=Avg("content"),
        trainers=Avg("trainers"), organisation=Avg("organisation"))
    record(AuditAction.READ, request=request, obj=item, detail={"participants": len(registrations)})
    return render(request, "training/session.html", {
        "session": item, "registrations": registrations, "evaluations": evaluations,
        "comments": item.evaluations.exclude(comment="").values_list("comment", flat=True)[:20],
        "certificate_form": CertificateForm(initial={"language": item.language}),
        "days": item.days, "completed": sum(1 for r in registrations if r.completed),
        "edition": MeetingEdition.objects.filter(session=item).select_related("series").first(),
    })


@manager_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Session, pk=pk)
    try:
        services.cancel_session(item, actor=request.user, request=request)
        messages.success(request, _("The session was cancelled."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(item)


# Participants ----------------------------------------------------------------------------------

@manager_required
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Register one participant; if they look like a known official, ask before creating anyone."""
    item = get_object_or_404(Session, pk=pk)
    form = ParticipantForm(request.POST or None)
    candidates = []
    if request.method == "POST" and form.is_valid():
        row = form.row()
        choice = request.POST.get("official", "")
        official = None
        if not choice:
            index = known_officials_index()
            found = index.search(entity(row), limit=3, matches_only=True)
            known = Official.objects.in_bulk([int(pk) for pk, _result in found])
            candidates = [(known[int(pk)], result) for pk, result in found if int(pk) in known]
        elif choice != "new":
            official = get_object_or_404(Official, pk=choice)
        if not candidates:
            try:
                services.register_participant(item, row, official=official, actor=request.user,
                                              request=request)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("%(name)s is registered.")
                                 % {"name": f"{row['first_name']} {row['last_name']}"})
                return redirect(item)
    return render(request, "training/participant_form.html",
                  {"session": item, "form": form, "candidates": candidates})


@manager_required
def participant_import(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Session, pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            staged = services.prepare_import(item, upload, upload.name, actor=request.user,
                                             request=request)
        except ParticipantListError as error:
            errors = error.errors
            status = 400
        else:
            return redirect("training:import_preview", pk=staged.pk)
    return render(request, "training/import.html", {"session": item, "form": form, "errors": errors},
                  status=status)


@manager_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    staged = get_object_or_404(ParticipantImport.objects.select_related("session__course"), pk=pk,
                               uploaded_by=request.user)
    rows = services.preview_rows(staged)
    problems: list[str] = []
    if request.method == "POST":
        decisions = {row.line: request.POST.get(f"line-{row.line}", "") for row in rows}
        try:
            result = services.confirm_import(staged, decisions, actor=request.user, request=request)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, _(
                "Participants registered: %(new)d new officials, %(known)d already known; "
                "%(merged)d lines were the same person as another line; %(already)d were already "
                "registered.") % {"new": result.created, "known": result.recognised,
                                  "merged": result.merged, "already": result.already})
            return redirect(staged.session)
    for row in rows:
        row.choice = request.POST.get(f"line-{row.line}") or services.default_decision(row)
        row.options = services.decision_options(row)
    return render(request, "training/import_preview.html", {
        "staged": staged, "session": staged.session, "rows": rows,
        "problems": problems, "needs_decision": sum(1 for row in rows if row.twin_line is not None),
        "known": sum(1 for row in rows if row.known),
    }, status=400 if problems else 200)


@manager_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Session, pk=pk)
    day_text = request.POST.get("day") or request.GET.get("day") or item.starts_on.isoformat()
    form = AttendanceForm({"day": day_text})
    registrations = list(item.registrations.select_related("official"))
    day = form.cleaned_data["day"] if form.is_valid() else item.starts_on
    if request.method == "POST" and form.is_valid():
        present = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
        try:
            count = services.record_attendance(item, day, present, actor=request.user, request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Attendance of %(day)s saved: %(count)d present.")
                             % {"day": day.isoformat(), "count": count})
            following = [d for d in item.days if d > day]
            target = reverse("training:attendance", args=[item.pk])
            return redirect(f"{target}?day={following[0].isoformat()}" if following else item)
    marked = set(item.registrations.filter(attendance__day=day, attendance__present=True)
                 .values_list("pk", flat=True))
    recorded = item.registrations.filter(attendance__day=day).exists()
    return render(request, "training/attendance.html", {
        "session": item, "form": form, "day": day, "registrations": registrations,
        "present": marked if recorded else {r.pk for r in registrations}, "recorded": recorded})


@manager_required
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Session, pk=pk)
    form = ScoresForm(request.POST or None, session=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_scores(item, form.scores(), actor=request.user, request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The test scores were saved."))
            return redirect(item)
    return render(request, "training/scores.html", {"session": item, "form": form},
                  status=400 if form.errors else 200)


@manager_required
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Session, pk=pk)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_evaluation(item, form.cleaned_data, actor=request.user, request=request)
        messages.success(request, _("The evaluation was recorded."))
        return redirect(reverse("training:evaluation", args=[item.pk]))
    return render(request, "training/form.html", {
        "form": form, "title": _("Evaluation of the session"), "subtitle": str(item),
        "cancel": item.get_absolute_url()})


# Certificates ----------------------------------------------------------------------------------

def _certificate_context(request: HttpRequest, certificates) -> dict:
    items = []
    for certificate in certificates:
        url = request.build_absolute_uri(reverse("verify", args=[certificate.code]))
        items.append({"certificate": certificate, "url": url,
                      "qr": segno.make(url, error="m").svg_data_uri(scale=4)})
    return {"certificates": items, "issuer": Platform.objects.filter(code=settings.PCMS_NODE).first()}


def certificate_response(request: HttpRequest, certificates: list[Certificate], language: str,
                         filename: str) -> HttpResponse:
    pdf = render_pdf("training/certificate.html", _certificate_context(request, certificates), language)
    for certificate in certificates:
        record(AuditAction.EXPORT, request=request, obj=certificate, detail={"format": "pdf"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@manager_required
@require_POST
def certificate_issue(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.select_related("official", "session"), pk=pk)
    form = CertificateForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        certificate = services.issue_certificate(registration, form.cleaned_data["language"],
                                                 actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(registration.session)
    return certificate_response(request, [certificate], certificate.language,
                                f"certificate-{certificate.code}.pdf")


@manager_required
@require_POST
def certificates_session(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the certificates of everyone who completed the session, in one PDF to print."""
    item = get_object_or_404(Session, pk=pk)
    form = CertificateForm(request.POST)
    if not form.is_valid():
        raise Http404
    language = form.cleaned_data["language"]
    completed = item.registrations.filter(completed=True).select_related("official", "session")
    if not completed:
        messages.error(request, _("Nobody has completed this session yet: record the attendance first."))
        return redirect(item)
    issued = [services.issue_certificate(r, language, actor=request.user, request=request)
              for r in completed]
    return certificate_response(request, issued, language, f"certificates-session-{item.pk}.pdf")


@manager_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate, pk=pk)
    return certificate_response(request, [certificate], certificate.language,
                                f"certificate-{certificate.code}.pdf")


@manager_required
@require_POST
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.select_related("registration__session"), pk=pk)
    services.revoke_certificate(certificate, actor=request.user, request=request)
    messages.success(request, _("The certificate %(code)s was revoked.") % {"code": certificate.code})
    return redirect(certificate.registration.session)


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: confirms a certificate and shows what it shows, nothing more."""
    normalised = "".join(c for c in code.upper() if c.isalnum())
    formatted = "-".join(normalised[i:i + 4] for i in range(0, len(normalised), 4))
    certificate = Certificate.objects.filter(code=formatted).first() if len(normalised) == 12 else None
    record(AuditAction.READ, request=request, object_type="training.certificate",
           object_id=certificate.pk if certificate else "", detail={"verify": formatted[:20],
                                                                   "found": certificate is not None})
    return render(request, "training/verify.html", {"certificate": certificate, "code": formatted[:20]},
                  status=200 if certificate else 404)


# Officials -------------------------------------------------------------------------------------

@manager_required
def officials(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    items = (Official.objects.select_related("country").annotate(sessions=Count("registrations"))
             .order_by("last_name", "first_name", "pk"))
    if query:
        items = items.search(query)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    record(AuditAction.SEARCH, request=request, object_type="training.official",
           detail={"q": query, "page": page.number})
    return render(request, "training/officials.html", {"page": page, "q": query})


def _history(official: Official):
    return official.registrations.select_related("session__course", "session__country", "certificate")


@manager_required
def official(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Official.objects.select_related("country", "user"), pk=pk)
    form = LinkAccountForm(request.POST or None,
                           initial={"username": item.user.get_username() if item.user else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.link_account(item, form.cleaned_data["username"], actor=request.user,
                                  request=request)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The platform account link was saved."))
            return redirect(item)
    record(AuditAction.READ, request=request, obj=item)
    return render(request, "training/official.html",
                  {"official": item, "history": _history(item), "form": form})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Any user: their own training history, when their account is linked to an official."""
    item = Official.objects.filter(user=request.user).select_related("country").first()
    history = _history(item) if item else []
    if item:
        record(AuditAction.READ, request=request, obj=item, detail={"own": True})
    return render(request, "training/mine.html", {"official": item, "history": history})


@login_required
def my_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate, pk=pk, registration__official__user=request.user,
                                    revoked_at__isnull=True)
    return certificate_response(request, [certificate], certificate.language,
                                f"certificate-{certificate.code}.pdf")


# Meeting series --------------------------------------------------------------------------------

@manager_required
def series_list(request: HttpRequest) -> HttpResponse:
    items = MeetingSeries.objects.annotate(edition_count=Count("editions"))
    return render(request, "training/series_list.html", {"series_list": items})


@manager_required
def series_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(MeetingSeries, pk=pk) if pk else None
    form = SeriesForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        item = services.save_form(form, actor=request.user, request=request)
        return redirect(item)
    return render(request, "training/form.html", {
        "form": form, "title": _("Meeting series"), "cancel": reverse("training:series_list")})


@manager_required
def series(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(MeetingSeries, pk=pk)
    editions = item.editions.select_related("session__country").annotate(
        recommendation_count=Count("recommendations", distinct=True),
        done=Count("recommendations", filter=Q(recommendations__status="done"), distinct=True),
        participants=Count("session__registrations", distinct=True),
        countries=Count("session__registrations__official__country", distinct=True))
    return render(request, "training/series.html", {"series": item, "editions": editions})


@manager_required
def edition_edit(request: HttpRequest, series_pk: int) -> HttpResponse:
    parent = get_object_or_404(MeetingSeries, pk=series_pk)
    form = EditionForm(request.POST or None, series=parent)
    if request.method == "POST" and form.is_valid():
        item = services.save_form(form, actor=request.user, request=request, series=parent)
        return redirect(item)
    return render(request, "training/form.html", {
        "form": form, "title": _("New edition"), "subtitle": str(parent),
        "cancel": parent.get_absolute_url()})


@manager_required
def edition(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(MeetingEdition.objects.select_related("series", "session__country"), pk=pk)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_form(form, actor=request.user, request=request, edition=item,
                           number=services.next_recommendation_number(item))
        return redirect(item)
    recommendations = item.recommendations.prefetch_related("updates")
    return render(request, "training/edition.html", {
        "edition": item, "form": form, "recommendations": recommendations,
        "follow_up_form": FollowUpForm(), **services.participating(item)})


@manager_required
@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Recommendation.objects.select_related("edition"), pk=pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        services.follow_up(item, form.cleaned_data["status"], form.cleaned_data["note"],
                           form.cleaned_data["on"], actor=request.user, request=request)
        messages.success(request, _("The follow-up was recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(item.edition)
