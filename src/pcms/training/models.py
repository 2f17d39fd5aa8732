"""Capacity building: courses, their sessions, the officials who attend them, and what comes of it.

An `Official` is one person with one history, whatever the number of sessions attended: every
import recognises officials already known (see services.match_officials) instead of adding them
again, so that indicators count people, not registrations. A `Registration` is one official in one
session, with their daily attendance, test scores and, at the end, a `Certificate` that anyone can
check at /verify/<code>/. High-level meetings are sessions too, grouped into a `MeetingSeries` of
editions that make `Recommendation`s, followed up edition after edition.
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from pcms.accounts.roles import Role
from pcms.reference.choices import AgencyKind
from pcms.training.choices import (
    CertificateLanguage,
    CourseFormat,
    Gender,
    RecommendationStatus,
    SessionStatus,
    Topic,
)


class Translated(models.Model):
    """A title in French, English and Arabic, shown in the reader's (or a document's) language."""

    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def title_in(self, language: str) -> str:
        return getattr(self, f"title_{language[:2]}", "") or self.title_fr or self.title_en

    @property
    def title(self) -> str:
        return self.title_in(get_language() or "fr")


class Course(Translated):
    """An entry of the catalogue: what is taught, to whom, for how long, in which format."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    format = models.CharField(_("format"), max_length=12, choices=CourseFormat.choices,
                              default=CourseFormat.TRAINING)
    objectives = models.TextField(_("objectives"), blank=True)
    duration_days = models.PositiveSmallIntegerField(_("duration (days)"), default=3)
    language = models.CharField(_("language"), max_length=2, choices=CertificateLanguage.choices,
                                default=CertificateLanguage.FRENCH)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(condition=Q(duration_days__gte=1), name="course_duration_positive"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("training:course", args=[self.pk])


class SessionQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=SessionStatus.HELD)

    def between(self, start: date | None, end: date | None):
        """Sessions that started within the period (either bound may be open)."""
        queryset = self
        if start:
            queryset = queryset.filter(starts_on__gte=start)
        if end:
            queryset = queryset.filter(starts_on__lte=end)
        return queryset


class Session(models.Model):
    """One delivery of a course: when, where, by whom, for how many."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions",
                               verbose_name=_("course"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=120)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT,
                                related_name="training_sessions", verbose_name=_("country"))
    platform = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="training_sessions",
                                 verbose_name=_("platform trained"),
                                 help_text=_("For a tutoring session: the national platform whose "
                                             "staff it trains."))
    organiser = models.CharField(_("organiser"), max_length=200)
    partners = models.CharField(_("partners"), max_length=300, blank=True)
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=25)
    language = models.CharField(_("language"), max_length=2, choices=CertificateLanguage.choices,
                                default=CertificateLanguage.FRENCH)
    max_score = models.PositiveSmallIntegerField(
        _("maximum test score"), default=100,
        help_text=_("Pre- and post-session tests are marked out of this score."))
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = pgettext_lazy("training", "session")
        verbose_name_plural = pgettext_lazy("training", "sessions")
        indexes = [
            models.Index(fields=["status", "starts_on"], name="training_session_held"),
            models.Index(fields=["country", "starts_on"], name="training_session_country"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                   name="session_ends_after_it_starts"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="session_max_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} — {self.place}, {self.starts_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("training:session", args=[self.pk])

    @property
    def days(self) -> list[date]:
        return [self.starts_on + timedelta(days=n) for n in range((self.ends_on - self.starts_on).days + 1)]


class OfficialQuerySet(models.QuerySet):
    def search(self, text: str):
        queryset = self
        for word in text.split()[:5]:
            queryset = queryset.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word)
                                       | Q(agency__icontains=word) | Q(email__icontains=word))
        return queryset


class Official(models.Model):
    """A person trained by the programme: one row per person, however many sessions they attend."""

    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT,
                                related_name="trained_officials", verbose_name=_("country"))
    agency = models.CharField(_("agency"), max_length=200)
    agency_kind = models.CharField(_("type of agency"), max_length=20, choices=AgencyKind.choices,
                                   default=AgencyKind.OTHER)
    function = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="training_profile",
                                verbose_name=_("platform account"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfficialQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        indexes = [models.Index(fields=["last_name", "first_name"], name="training_official_name")]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("training:official", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def entity(self) -> dict:
        """The official as the matcher reads a person (see pcms.matching)."""
        return person_entity(self.first_name, self.last_name, self.country_id, self.gender,
                             self.email, self.phone)


def person_entity(first_name: str, last_name: str, country: str, gender: str, email: str = "",
                  phone: str = "") -> dict:
    properties = {"name": [f"{first_name} {last_name}".strip()], "nationality": [country.lower()]}
    if gender:
        properties["gender"] = [gender]
    if email:
        properties["email"] = [email]
    if phone:
        properties["phone"] = [phone]
    return {"schema": "Person", "properties": properties}


class Registration(models.Model):
    """One official in one session, with what they were and did there."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations",
                                verbose_name=pgettext_lazy("training", "session"))
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="registrations",
                                 verbose_name=_("official"))
    # What the official was at the time of the session (they may change agency later).
    agency = models.CharField(_("agency"), max_length=200)
    agency_kind = models.CharField(_("type of agency"), max_length=20, choices=AgencyKind.choices,
                                   default=AgencyKind.OTHER)
    function = models.CharField(_("function"), max_length=200, blank=True)
    pre_score = models.DecimalField(_("pre-session test"), max_digits=6, decimal_places=1,
                                    null=True, blank=True)
    post_score = models.DecimalField(_("post-session test"), max_digits=6, decimal_places=1,
                                     null=True, blank=True)
    days_present = models.PositiveSmallIntegerField(_("days present"), default=0)
    completed = models.BooleanField(_("completed"), default=False,
                                    help_text=_("Present on every day of the session."))
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["official__last_name", "official__first_name", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["session", "official"], name="registration_once_per_session"),
            models.CheckConstraint(condition=Q(pre_score__gte=0) | Q(pre_score__isnull=True),
                                   name="registration_pre_score_positive"),
            models.CheckConstraint(condition=Q(post_score__gte=0) | Q(post_score__isnull=True),
                                   name="registration_post_score_positive"),
        ]
        indexes = [models.Index(fields=["official", "session"], name="training_registration_person")]

    def __str__(self) -> str:
        return f"{self.official} — {self.session}"

    @property
    def attended(self) -> bool:
        return self.days_present > 0


class Attendance(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE,
                                     related_name="attendance", verbose_name=_("registration"))
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["registration", "day"], name="attendance_once_a_day")]

    def __str__(self) -> str:
        return f"{self.registration} {self.day}"


class Evaluation(models.Model):
    """One participant's anonymous evaluation of a session, marked from 1 (poor) to 5 (excellent)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="evaluations",
                                verbose_name=pgettext_lazy("training", "session"))
    relevance = models.PositiveSmallIntegerField(_("relevance to my work"))
    content = models.PositiveSmallIntegerField(_("content"))
    trainers = models.PositiveSmallIntegerField(_("trainers"))
    organisation = models.PositiveSmallIntegerField(_("organisation"))
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    MARKS = ("relevance", "content", "trainers", "organisation")

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(condition=Q(**{f"{mark}__gte": 1, f"{mark}__lte": 5}),
                                   name=f"evaluation_{mark}_1_to_5")
            for mark in ("relevance", "content", "trainers", "organisation")
        ]

    def __str__(self) -> str:
        return f"{self.session} #{self.pk}"


def new_certificate_code() -> str:
    """Twelve characters from an alphabet without 0/O or 1/I, grouped by four: about 60 bits."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Certificate(models.Model):
    """A certificate of participation. It keeps what it shows, as printed, for /verify/<code>/."""

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT,
                                        related_name="certificate", verbose_name=_("registration"))
    code = models.CharField(_("verification code"), max_length=14, unique=True,
                            default=new_certificate_code, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=CertificateLanguage.choices)
    holder_name = models.CharField(_("holder"), max_length=201)
    course_title = models.CharField(_("course"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+", verbose_name=_("issued by"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class MeetingSeries(Translated):
    """A recurring high-level meeting, e.g. the annual meeting of heads of counter-terrorism units."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def get_absolute_url(self) -> str:
        return reverse("training:series", args=[self.pk])


class MeetingEdition(models.Model):
    """One edition of a series; its participants are those of its session."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="editions",
                               verbose_name=_("series"))
    number = models.PositiveSmallIntegerField(_("edition"))
    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="edition",
                                   verbose_name=pgettext_lazy("training", "session"))
    theme = models.CharField(_("theme"), max_length=300)

    class Meta:
        ordering = ["series", "-number"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [models.UniqueConstraint(fields=["series", "number"], name="edition_number_unique")]

    def __str__(self) -> str:
        return f"{self.series} — {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("training:edition", args=[self.pk])


class Recommendation(models.Model):
    edition = models.ForeignKey(MeetingEdition, on_delete=models.CASCADE,
                                related_name="recommendations", verbose_name=_("edition"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.OPEN)

    class Meta:
        ordering = ["edition", "number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [models.UniqueConstraint(fields=["edition", "number"],
                                               name="recommendation_number_unique")]

    def __str__(self) -> str:
        return f"{self.edition.number}.{self.number}"


class RecommendationUpdate(models.Model):
    """A step in following up a recommendation: its new status and what was done."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE,
                                       related_name="updates", verbose_name=_("recommendation"))
    on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=RecommendationStatus.choices)
    note = models.TextField(_("what was done"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("author"))

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.recommendation} {self.on}"


class TrainingRequirement(models.Model):
    """A platform's rule: nobody gets `role` on it without having completed `course`."""

    platform = models.ForeignKey("reference.Platform", on_delete=models.CASCADE,
                                 related_name="training_requirements", verbose_name=_("platform"))
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="requirements",
                               verbose_name=_("course to complete"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICER)

    class Meta:
        ordering = ["platform", "role"]
        verbose_name = _("training requirement")
        verbose_name_plural = _("training requirements")
        constraints = [models.UniqueConstraint(fields=["platform", "course", "role"],
                                               name="training_requirement_unique")]

    def __str__(self) -> str:
        return f"{self.platform.code}: {self.get_role_display()} ← {self.course}"


class ParticipantImport(models.Model):
    """A checked participant list waiting for the coordinator's confirmation.

    Holds the cleaned rows between the preview and the confirmation only: it is deleted when the
    import is confirmed, and left-over previews are deleted after a day.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="imports",
                                verbose_name=pgettext_lazy("training", "session"))
    filename = models.CharField(_("file"), max_length=200)
    rows = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")

    def __str__(self) -> str:
        return self.filename
