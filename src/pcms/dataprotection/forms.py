"""Forms of data protection: review decisions, subject access requests and corrections."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pcms.core.forms import StyledForm
from pcms.reference.models import Country


class ExtendForm(StyledForm):
    new_due = forms.DateField(label=_("Next review"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Why is the record still needed?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DeleteForm(StyledForm):
    reason = forms.CharField(label=_("Why is the record deleted?"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(
        label=_("I understand that the record is deleted here and at every platform that "
                "received it, and cannot be restored."))


class PersonForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=300,
                           widget=forms.TextInput(attrs={"dir": "auto"}),
                           help_text=_("In any script or spelling."))
    birth_date = forms.CharField(label=_("Date of birth"), required=False, max_length=10,
                                 help_text=_("YYYY, YYYY-MM or YYYY-MM-DD"))
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nationality"].choices = [("", "—")] + [
            (c.code.lower(), c.name) for c in Country.objects.all()]


class CorrectionForm(StyledForm):
    what = forms.CharField(label=_("What was corrected"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    why = forms.CharField(label=_("Why"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    requested_by = forms.CharField(
        label=_("At whose request"), max_length=200,
        help_text=_("E.g. the person concerned through the national authority, an oversight body."))
