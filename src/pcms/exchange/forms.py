"""Forms of the exchange. They only read input; the rules live in actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pcms.accounts.roles import Role
from pcms.core.choices import Classification
from pcms.core.forms import StyledForm
from pcms.exchange.choices import ALERT_SCHEMATA, AlertKind, Audience, Priority
from pcms.exchange.visibility import visible_cases
from pcms.records import schema as ftm
from pcms.records.choices import Dissemination
from pcms.records.labels import property_label, schema_label
from pcms.records.visibility import OPERATIONAL_ROLES
from pcms.reference.models import Platform, Purpose

RECORDS_HELP = _("Report references (NE-2026-000012) or entity identifiers, one per line.")
NOTICE_LABEL = _("Records that may not be passed on: send only a notice that a hit exists "
                 "(owner platform and reference)")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def platform_choices(exclude=None) -> list[tuple[str, str]]:
    platforms = Platform.objects.filter(is_active=True)
    if exclude is not None:
        platforms = platforms.exclude(pk=exclude.pk)
    return [(p.code, str(p)) for p in platforms]


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RecordsMixin(forms.Form):
    records = forms.CharField(label=_("Records"), required=False, help_text=RECORDS_HELP,
                              widget=forms.Textarea(attrs={"rows": 2}), max_length=5_000)
    notice = forms.BooleanField(label=NOTICE_LABEL, required=False)

    def record_references(self) -> list[str]:
        return lines(self.cleaned_data.get("records", ""))


class CaseChoiceMixin(forms.Form):
    case = forms.ChoiceField(label=_("File in the case"), required=False)

    def set_cases(self, user) -> None:
        self.fields["case"].choices = [("", "—")] + [
            (str(case.pk), str(case)) for case in visible_cases(user).filter(status="open")]


class MessageForm(StyledForm, RecordsMixin, CaseChoiceMixin):
    audience = forms.ChoiceField(label=_("Send to"), choices=Audience.choices,
                                 initial=Audience.STATES)
    recipients = forms.MultipleChoiceField(label=_("Platforms"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    recipient_role = forms.ChoiceField(label=_("Only for the role"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}),
                           max_length=20_000)
    files = MultipleFileField(label=_("Files"), required=False,
                              help_text=_("Photos (JPEG, PNG, TIFF, WebP) or PDF documents."))

    field_order = ["audience", "recipients", "recipient_role", "subject", "body", "records",
                   "notice", "files", "case"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = platform_choices(exclude=user.platform)
        self.fields["recipient_role"].choices = [("", _("Every user"))] + [
            (role.value, role.label) for role in Role if role.value in OPERATIONAL_ROLES]
        self.set_cases(user)


class ReplyForm(StyledForm, RecordsMixin):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=20_000)
    files = MultipleFileField(label=_("Files"), required=False)


class ConsentForm(StyledForm):
    record = forms.CharField(widget=forms.HiddenInput, max_length=80)
    recipients = forms.MultipleChoiceField(label=_("To be passed on to"),
                                           widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Why"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = platform_choices(exclude=user.platform)


class DecisionForm(StyledForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           help_text=_("Required to deny."))


class RequestForm(StyledForm, RecordsMixin, CaseChoiceMixin):
    recipient = forms.ChoiceField(label=_("Requested platform"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("What is asked"), widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=20_000)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices,
                                 initial=Priority.NORMAL)
    due_date = forms.DateField(label=_("Answer expected by"), widget=forms.DateInput(format="%Y-%m-%d"))
    purpose = forms.ChoiceField(label=_("Purpose"))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=300,
                                  help_text=_("Leave empty to use the purpose's legal basis."))

    field_order = ["recipient", "subject", "body", "priority", "due_date", "purpose",
                   "legal_basis", "records", "notice", "case"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", "—")] + platform_choices(exclude=user.platform)
        self.fields["purpose"].choices = [("", "—")] + [
            (p.code, p.name) for p in Purpose.objects.filter(is_active=True)]
        self.set_cases(user)


class AnswerForm(StyledForm, RecordsMixin):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}),
                             max_length=20_000)

    field_order = ["answer", "records", "notice"]


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(StyledForm):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


# Properties an alert form offers, per schema; only those of the chosen type are used.
ALERT_PROPERTIES = ("name", "birthDate", "nationality", "registrationNumber", "vinCode", "number",
                    "serialNumber", "make", "model", "country")


class AlertForm(StyledForm, CaseChoiceMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=AlertKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(label=_("What to do"), max_length=5_000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    entity = forms.CharField(label=_("Record described"), required=False, max_length=80,
                             help_text=_("An entity identifier; or describe it below."))
    schema = forms.ChoiceField(label=_("Type"), required=False)
    dissemination = forms.ChoiceField(label=_("Broadcast to"), choices=Dissemination.choices,
                                      initial=Dissemination.ALL)
    recipients = forms.MultipleChoiceField(label=_("Named platforms"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    classification = forms.TypedChoiceField(label=_("Classification"), coerce=int,
                                            choices=Classification.choices,
                                            initial=Classification.RESTRICTED)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(format="%Y-%m-%d"))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = sorted({name for schemata in ALERT_SCHEMATA.values() for name in schemata})
        self.fields["schema"].choices = [("", "—")] + [
            (name, schema_label(ftm.get_schema(name))) for name in names]
        self.fields["recipients"].choices = platform_choices(exclude=user.platform)
        self.fields["classification"].choices = [
            c for c in Classification.choices if c[0] <= user.clearance]
        self.fields["valid_from"].initial = timezone.localdate()
        for name in ALERT_PROPERTIES:
            self.fields[f"p_{name}"] = forms.CharField(
                required=False, max_length=ftm.MAX_VALUE_LENGTH, label=self._label(name),
                widget=forms.TextInput(attrs={"class": "form-control", "dir": "auto"}))
        self.set_cases(user)

    @staticmethod
    def _label(name: str) -> str:
        for schema in ("Person", "Vehicle", "Passport", "Firearm"):
            prop = ftm.get_schema(schema).properties.get(name)
            if prop is not None:
                return property_label(prop)
        return name

    def properties(self) -> dict[str, list[str]]:
        schema = self.cleaned_data.get("schema")
        if not schema:
            return {}
        known = ftm.get_schema(schema).properties
        return {name: [value] for name in ALERT_PROPERTIES
                if (value := (self.cleaned_data.get(f"p_{name}") or "").strip()) and name in known}

    def clean(self):
        data = super().clean()
        schema = data.get("schema")
        filled = [name for name in ALERT_PROPERTIES if (data.get(f"p_{name}") or "").strip()]
        if filled and not schema:
            self.add_error("schema", _("Choose the type of what you describe."))
        elif schema:
            known = ftm.get_schema(schema).properties
            for name in filled:
                if name not in known:
                    self.add_error(f"p_{name}", _("A %(type)s has no such property.") % {
                        "type": schema_label(ftm.get_schema(schema))})
        return data


class CaseForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=20_000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    participants = forms.MultipleChoiceField(label=_("Shared with"), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = platform_choices(exclude=user.platform)


class ShareForm(StyledForm):
    participants = forms.MultipleChoiceField(label=_("Shared with"), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = platform_choices(exclude=user.platform)


class LinkForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        ("report", _("Report")), ("entity", _("Entity")), ("message", _("Message")),
        ("request", _("Request for information")), ("alert", _("Alert"))])
    identifier = forms.CharField(label=_("Reference or identifier"), max_length=80)
