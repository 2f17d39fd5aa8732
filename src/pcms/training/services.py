"""Every change to the programme: one function per change, in one transaction, with its audit entry.

Views and API handlers call these and nothing else to write. A change that breaks a rule (a score
above the maximum, a session full, a certificate for someone who did not attend) raises a
`ValidationError` with a message meant for the coordinator, and nothing is written.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.training.choices import SessionStatus
from pcms.training.models import (
    Attendance,
    Certificate,
    Evaluation,
    MeetingEdition,
    Official,
    ParticipantImport,
    Recommendation,
    RecommendationUpdate,
    Registration,
    Session,
)
from pcms.training.participants import PreviewRow, read_participants, recognise

STALE_IMPORTS = timedelta(days=1)


@transaction.atomic
def save_form(form, *, actor, request=None, **extra):
    """Create or update the object of a model form (course, session, edition...) and audit it."""
    created = form.instance.pk is None
    obj = form.save(commit=False)
    for name, value in extra.items():
        setattr(obj, name, value)
    if isinstance(obj, Session):
        check_session_dates(obj.starts_on, obj.ends_on)
    obj.save()
    form.save_m2m()
    record(AuditAction.CREATE if created else AuditAction.UPDATE, request=request, actor=actor,
           obj=obj, detail={"fields": sorted(form.changed_data)})
    return obj


def check_session_dates(starts_on: date, ends_on: date) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(
            {"ends_on": _("The session ends (%(end)s) before it starts (%(start)s).")
             % {"end": ends_on.isoformat(), "start": starts_on.isoformat()}})


@transaction.atomic
def cancel_session(session: Session, *, actor, request=None) -> Session:
    if session.status == SessionStatus.HELD:
        raise ValidationError(_("A session that was held cannot be cancelled."))
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    record(AuditAction.UPDATE, request=request, actor=actor, obj=session, detail={"status": "cancelled"})
    return session


def _check_capacity(session: Session, adding: int) -> None:
    taken = session.registrations.count()
    if taken + adding > session.capacity:
        raise ValidationError(
            _("The session has %(capacity)d places; %(taken)d are taken and %(adding)d more would "
              "exceed it. Raise the capacity first.")
            % {"capacity": session.capacity, "taken": taken, "adding": adding})


def _register(session: Session, official: Official, row: dict) -> Registration:
    return Registration.objects.create(
        session=session, official=official, agency=row["agency"], agency_kind=row["agency_kind"],
        function=row.get("function", ""))


def _new_official(row: dict) -> Official:
    return Official.objects.create(
        last_name=row["last_name"], first_name=row["first_name"], gender=row["gender"],
        country_id=row["country"], agency=row["agency"], agency_kind=row["agency_kind"],
        function=row.get("function", ""), email=row.get("email", ""), phone=row.get("phone", ""))


@transaction.atomic
def register_participant(session: Session, row: dict, *, official: Official | None, actor,
                         request=None) -> Registration:
    """Register one participant: a known official, or a new one made from `row`."""
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled."))
    if official is not None and session.registrations.filter(official=official).exists():
        raise ValidationError(_("%(name)s is already registered in this session.")
                              % {"name": official.full_name})
    _check_capacity(session, 1)
    official = official or _new_official(row)
    registration = _register(session, official, row)
    record(AuditAction.CREATE, request=request, actor=actor, obj=registration,
           detail={"official": official.pk, "session": session.pk})
    return registration


@transaction.atomic
def prepare_import(session: Session, file, filename: str, *, actor, request=None) -> ParticipantImport:
    """Check a participant list and keep it for confirmation. Raises ParticipantListError."""
    ParticipantImport.objects.filter(created_at__lt=timezone.now() - STALE_IMPORTS).delete()
    rows, notes = read_participants(file, filename)
    preview = recognise(rows)
    staged = ParticipantImport.objects.create(
        session=session, filename=filename[:200], uploaded_by=actor, notes=notes,
        rows=[{"line": item.line, "data": item.data,
               "known": [vars(candidate) for candidate in item.known],
               "twin_line": item.twin_line, "twin_score": item.twin_score, "twin_why": item.twin_why}
              for item in preview])
    record(AuditAction.CREATE, request=request, actor=actor, obj=staged,
           detail={"rows": len(rows), "session": session.pk})
    return staged


def preview_rows(staged: ParticipantImport) -> list[PreviewRow]:
    from pcms.training.participants import Candidate

    return [PreviewRow(item["line"], item["data"], [Candidate(**c) for c in item["known"]],
                       item["twin_line"], item["twin_score"], item["twin_why"])
            for item in staged.rows]


NEW = "new"


def default_decision(row: PreviewRow) -> str | None:
    """What the preview proposes: the best known official, a new one, or nothing (must choose)."""
    if row.twin_line is not None:
        return None
    return f"official:{row.known[0].official_id}" if row.known else NEW


def decision_options(row: PreviewRow) -> list[dict]:
    """The choices offered for one line: the earlier line it may repeat, each known official it
    matches, or a new official."""
    options = []
    if row.twin_line is not None:
        options.append({"value": f"same:{row.twin_line}", "kind": "same", "score": row.twin_score,
                        "why": row.twin_why})
    options.extend({"value": f"official:{c.official_id}", "kind": "known", "name": c.name,
                    "score": c.score, "why": c.why} for c in row.known)
    options.append({"value": NEW, "kind": "new", "score": None, "why": []})
    return options


@dataclass
class ImportResult:
    created: int = 0
    recognised: int = 0
    merged: int = 0
    already: int = 0


@transaction.atomic
def confirm_import(staged: ParticipantImport, decisions: dict[int, str], *, actor,
                   request=None) -> ImportResult:
    """Register every line of a checked list, as the coordinator decided, or nothing at all.

    `decisions` maps a line to "new", "official:<id>" (a known official it was matched with) or
    "same:<line>" (the same person as an earlier line of the file, which is then not repeated).
    """
    session = Session.objects.select_for_update().get(pk=staged.session_id)
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled."))
    rows = preview_rows(staged)
    errors = []
    plan: list[tuple[PreviewRow, Official | None]] = []
    result = ImportResult()
    for row in rows:
        decision = decisions.get(row.line) or default_decision(row)
        allowed = {option["value"] for option in decision_options(row)}
        if decision is None:
            errors.append(_("Line %(line)d may be the same person as line %(twin)d: say whether it "
                            "is.") % {"line": row.line, "twin": row.twin_line})
            continue
        if decision not in allowed:
            errors.append(_("Line %(line)d: this choice is not one of those proposed.") % {"line": row.line})
            continue
        if decision.startswith("same:"):
            result.merged += 1
            continue
        official = None
        if decision.startswith("official:"):
            official = Official.objects.filter(pk=int(decision[9:])).first()
            if official is None:
                errors.append(_("Line %(line)d: the official it was matched with no longer exists.")
                              % {"line": row.line})
                continue
        plan.append((row, official))
    if errors:
        raise ValidationError(errors)
    registered = set(session.registrations.values_list("official_id", flat=True))
    chosen = [official.pk for _row, official in plan if official is not None]
    if len(chosen) != len(set(chosen)):
        raise ValidationError(_("Two lines were matched with the same official: keep one of them."))
    new_places = sum(1 for _row, official in plan if official is None or official.pk not in registered)
    _check_capacity(session, new_places)
    for row, official in plan:
        if official is not None and official.pk in registered:
            result.already += 1
            continue
        if official is None:
            official = _new_official(row.data)
            result.created += 1
        else:
            _complete_contact(official, row.data)
            result.recognised += 1
        _register(session, official, row.data)
    record(AuditAction.CREATE, request=request, actor=actor, obj=session,
           detail={"import": staged.filename, "created": result.created,
                   "recognised": result.recognised, "merged": result.merged, "already": result.already})
    staged.delete()
    return result


def _complete_contact(official: Official, row: dict) -> None:
    """A known official's missing e-mail or phone is filled from the new list; nothing is overwritten."""
    changed = [name for name in ("email", "phone", "function")
               if row.get(name) and not getattr(official, name)]
    for name in changed:
        setattr(official, name, row[name])
    if changed:
        official.save(update_fields=[*changed, "updated_at"])


@transaction.atomic
def record_attendance(session: Session, day: date, present: set[int], *, actor,
                      request=None) -> int:
    """Mark who was present on `day` (registration ids); everyone else registered is absent."""
    if day not in session.days:
        raise ValidationError(_("%(day)s is not a day of this session (%(start)s to %(end)s).")
                              % {"day": day.isoformat(), "start": session.starts_on.isoformat(),
                                 "end": session.ends_on.isoformat()})
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is cancelled."))
    registrations = list(session.registrations.all())
    unknown = present - {r.pk for r in registrations}
    if unknown:
        raise ValidationError(_("Some participants marked present are not registered in this session."))
    Attendance.objects.filter(registration__session=session, day=day).delete()
    Attendance.objects.bulk_create(
        Attendance(registration=r, day=day, present=r.pk in present) for r in registrations)
    _update_presence(session)
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.HELD
        session.save(update_fields=["status"])
    record(AuditAction.UPDATE, request=request, actor=actor, obj=session,
           detail={"attendance": day.isoformat(), "present": len(present)})
    return len(present)


def _update_presence(session: Session) -> None:
    days = len(session.days)
    counts = dict(Attendance.objects.filter(registration__session=session, present=True)
                  .values("registration").annotate(n=Count("id")).values_list("registration", "n"))
    changed = []
    for registration in session.registrations.all():
        present = counts.get(registration.pk, 0)
        completed = present >= days
        if (registration.days_present, registration.completed) != (present, completed):
            registration.days_present, registration.completed = present, completed
            changed.append(registration)
    Registration.objects.bulk_update(changed, ["days_present", "completed"])


def check_score(value: Decimal | None, maximum: int, label: str) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationError(_("%(label)s: a score cannot be negative.") % {"label": label})
    if value > maximum:
        raise ValidationError(_("%(label)s: %(value)s is above the maximum score of %(maximum)d.")
                              % {"label": label, "value": value, "maximum": maximum})


@transaction.atomic
def record_scores(session: Session, scores: dict[int, tuple[Decimal | None, Decimal | None]], *,
                  actor, request=None) -> int:
    """Pre- and post-session test scores, by registration id; all are checked before any is saved."""
    registrations = {r.pk: r for r in session.registrations.select_related("official")}
    errors = []
    for pk, (pre, post) in scores.items():
        registration = registrations.get(pk)
        if registration is None:
            errors.append(_("A score was given for someone not registered in this session."))
            continue
        for value, label in ((pre, _("pre-session test")), (post, _("post-session test"))):
            try:
                check_score(value, session.max_score, f"{registration.official.full_name}, {label}")
            except ValidationError as error:
                errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    changed = []
    for pk, (pre, post) in scores.items():
        registration = registrations[pk]
        if (registration.pre_score, registration.post_score) != (pre, post):
            registration.pre_score, registration.post_score = pre, post
            changed.append(registration)
    Registration.objects.bulk_update(changed, ["pre_score", "post_score"])
    record(AuditAction.UPDATE, request=request, actor=actor, obj=session,
           detail={"scores": len(changed)})
    return len(changed)


@transaction.atomic
def add_evaluation(session: Session, marks: dict, *, actor, request=None) -> Evaluation:
    evaluation = Evaluation.objects.create(session=session, **marks)
    record(AuditAction.CREATE, request=request, actor=actor, obj=evaluation)
    return evaluation


@transaction.atomic
def issue_certificate(registration: Registration, language: str, *, actor,
                      request=None) -> Certificate:
    """Issue (or re-issue in another language) the certificate of a participant who completed."""
    if not registration.completed:
        raise ValidationError(_("%(name)s did not attend every day of the session: no certificate.")
                              % {"name": registration.official.full_name})
    session = registration.session
    with override(language):
        place = f"{session.place}, {session.country.name}"
        title = session.course.title_in(language)
    fields = {"language": language, "holder_name": registration.official.full_name,
              "course_title": title, "place": place, "starts_on": session.starts_on,
              "ends_on": session.ends_on}
    certificate = Certificate.objects.filter(registration=registration).first()
    if certificate is None:
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    certificate = Certificate.objects.create(registration=registration, issued_by=actor,
                                                             **fields)
                break
            except IntegrityError:  # the random code collided; draw another
                continue
        action = AuditAction.CREATE
    else:
        for name, value in fields.items():
            setattr(certificate, name, value)
        certificate.revoked_at = None
        certificate.save()
        action = AuditAction.UPDATE
    record(action, request=request, actor=actor, obj=certificate, detail={"language": language})
    return certificate


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, actor, request=None) -> Certificate:
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked_at"])
    record(AuditAction.UPDATE, request=request, actor=actor, obj=certificate, detail={"revoked": True})
    return certificate


@transaction.atomic
def link_account(official: Official, user, *, actor, request=None) -> Official:
    """Tie an official to their platform account (or untie it with user=None)."""
    if user is not None:
        other = Official.objects.filter(user=user).exclude(pk=official.pk).first()
        if other is not None:
            raise ValidationError(_("The account %(user)s is already linked to %(official)s.")
                                  % {"user": user.get_username(), "official": other.full_name})
    official.user = user
    official.save(update_fields=["user", "updated_at"])
    record(AuditAction.UPDATE, request=request, actor=actor, obj=official,
           detail={"user": user.get_username() if user else None})
    return official


@transaction.atomic
def follow_up(recommendation: Recommendation, status: str, note: str, on: date, *, actor,
              request=None) -> RecommendationUpdate:
    update = RecommendationUpdate.objects.create(recommendation=recommendation, status=status,
                                                 note=note, on=on, author=actor)
    recommendation.status = status
    recommendation.save(update_fields=["status"])
    record(AuditAction.UPDATE, request=request, actor=actor, obj=recommendation,
           detail={"status": status})
    return update


def next_recommendation_number(edition: MeetingEdition) -> int:
    return (edition.recommendations.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def participating(edition: MeetingEdition) -> dict:
    """The countries and agencies an edition brought together, from its participants."""
    registrations = edition.session.registrations.filter(
        Q(days_present__gt=0) | Q(session__status=SessionStatus.PLANNED))
    return {
        "countries": sorted({r.official.country for r in registrations.select_related("official__country")},
                            key=lambda c: c.name),
        "agencies": sorted(set(registrations.values_list("agency", flat=True))),
    }
