from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pcms.accounts.models import User
from pcms.core.forms import StyledForm, StyledModelForm
from pcms.reference.models import Country
from pcms.training.choices import CertificateLanguage, RecommendationStatus, Topic
from pcms.training.models import (
    Course,
    Evaluation,
    MeetingEdition,
    MeetingSeries,
    Official,
    Recommendation,
    Session,
)
from pcms.training.services import check_score, check_session_dates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CourseForm(StyledModelForm):
    class Meta:
        model = Course
        fields = ["code", "title_fr", "title_en", "title_ar", "topic", "format", "objectives",
                  "duration_days", "language", "is_active"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 4}),
                   "title_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"})}


class SessionForm(StyledModelForm):
    class Meta:
        model = Session
        fields = ["course", "starts_on", "ends_on", "place", "country", "platform", "organiser",
                  "partners", "trainers", "capacity", "language", "max_score"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        try:
            check_session_dates(cleaned.get("starts_on"), cleaned.get("ends_on"))
        except ValidationError as error:
            self.add_error("ends_on", error.message_dict["ends_on"])
        return cleaned


class SessionFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none(), required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *Topic.choices], required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(training_sessions__isnull=False).distinct()


class PeriodForm(StyledForm):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    country = forms.ModelChoiceField(label=_("Host country"), queryset=Country.objects.none(),
                                     required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *Topic.choices], required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(training_sessions__isnull=False).distinct()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        return cleaned


class ParticipantForm(StyledModelForm):
    """One participant typed in by hand; recognised against known officials before saving."""

    class Meta:
        model = Official
        fields = ["last_name", "first_name", "gender", "country", "agency", "agency_kind",
                  "function", "email", "phone"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency_kind"].required = True

    def row(self) -> dict:
        data = dict(self.cleaned_data)
        data["country"] = data["country"].code
        return data


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Participant list (CSV or XLSX)"),
                           help_text=_("One line per participant. Columns: last name, first name, "
                                       "gender (F/M), country, agency; optional: type of agency, "
                                       "function, e-mail, phone."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))


class AttendanceForm(StyledForm):
    day = forms.DateField(label=_("Day"), widget=DATE)


class EvaluationForm(StyledModelForm):
    MARKS = [(n, str(n)) for n in range(1, 6)]

    class Meta:
        model = Evaluation
        fields = ["relevance", "content", "trainers", "organisation", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in Evaluation.MARKS:
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label, choices=self.MARKS, coerce=int,
                widget=forms.Select(attrs={"class": "form-select"}))


class CertificateForm(StyledForm):
    language = forms.ChoiceField(label=_("Language of the certificate"),
                                 choices=CertificateLanguage.choices)


class LinkAccountForm(StyledForm):
    username = forms.CharField(label=_("User name of the platform account"), max_length=150,
                               required=False,
                               help_text=_("Leave empty to remove the link."))

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise ValidationError(_("No account has the user name %(username)s.") % {"username": username})
        return user


class SeriesForm(StyledModelForm):
    class Meta:
        model = MeetingSeries
        fields = ["code", "title_fr", "title_en", "title_ar", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class EditionForm(StyledModelForm):
    class Meta:
        model = MeetingEdition
        fields = ["number", "session", "theme"]

    def __init__(self, *args, series: MeetingSeries, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.series = series
        taken = MeetingEdition.objects.exclude(pk=self.instance.pk).values("session")
        self.fields["session"].queryset = (Session.objects.filter(course__format="meeting")
                                           .exclude(pk__in=taken).select_related("course"))


class RecommendationForm(StyledModelForm):
    class Meta:
        model = Recommendation
        fields = ["text", "responsible", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_on": DATE}


class FollowUpForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=RecommendationStatus.choices)
    on = forms.DateField(label=_("Date"), widget=DATE, initial=date.today)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=4000)


def score_field_names(registration_id: int) -> tuple[str, str]:
    return f"pre_{registration_id}", f"post_{registration_id}"


class ScoresForm(StyledForm):
    """A pre- and a post-session score field for every participant of a session."""

    def __init__(self, *args, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.registrations = list(session.registrations.select_related("official"))
        for registration in self.registrations:
            for name, initial, label in zip(
                score_field_names(registration.pk),
                (registration.pre_score, registration.post_score),
                (_("pre-session test"), _("post-session test")), strict=True,
            ):
                self.fields[name] = forms.DecimalField(
                    label=f"{registration.official.full_name}, {label}", required=False,
                    min_value=0, max_digits=6, decimal_places=1, initial=initial,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm",
                                                    "step": "0.5", "min": "0",
                                                    "max": str(session.max_score)}))

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            try:
                check_score(value, self.session.max_score, str(self.fields[name].label))
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def rows(self):
        for registration in self.registrations:
            pre, post = score_field_names(registration.pk)
            yield registration, self[pre], self[post]

    def scores(self) -> dict:
        return {r.pk: (self.cleaned_data.get(score_field_names(r.pk)[0]),
                       self.cleaned_data.get(score_field_names(r.pk)[1])) for r in self.registrations}
