"""The dashboard's filters and the bulletin form."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from pcms.analysis.choices import Section
from pcms.analysis.models import Bulletin
from pcms.analysis.stats import Filters, default_filters
from pcms.core.forms import StyledForm, StyledModelForm
from pcms.records.choices import ThreatCategory
from pcms.reference.loaders import network
from pcms.reference.models import Country, Platform

MAX_PERIOD_DAYS = 5 * 366


def member_states():
    return Country.objects.filter(code__in=network()["member_states"])


class FilterForm(StyledForm):
    start = forms.DateField(label=_("Facts from"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Facts until"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ChoiceField(label=_("Threat category"), required=False,
                                 choices=[("", _("All categories")), *ThreatCategory.choices])
    country = forms.ModelChoiceField(label=_("Country"), required=False, queryset=None,
                                     empty_label=_("All member states"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = member_states()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("start", _("Choose a period of at most five years."))
        return data

    def filters(self) -> Filters:
        """The filters asked for, or the last twelve months when the form is empty or wrong."""
        default = default_filters()
        if not self.is_bound or not self.is_valid():
            return default
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if not start and not end:
            start, end = default.start, default.end
        elif start and not end:
            end = min(start + timedelta(days=MAX_PERIOD_DAYS), default.end)
        return Filters(start=start, end=end, category=data.get("category") or "",
                       country=data["country"].code if data.get("country") else "")


class BulletinForm(StyledModelForm):
    sections = forms.MultipleChoiceField(label=_("Charts, map and tables"), choices=Section.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Bulletin
        fields = ["kind", "title", "period_start", "period_end", "category", "country", "body",
                  "sections", "classification", "dissemination", "recipients", "onward_allowed",
                  "judicial_use"]
        widgets = {
            "kind": forms.HiddenInput,
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "body": forms.Textarea(attrs={"rows": 8}),
            "recipients": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = member_states()
        self.fields["country"].empty_label = _("All member states")
        self.fields["recipients"].queryset = Platform.objects.filter(is_active=True).exclude(
            pk=user.platform_id)
        self.fields["classification"].choices = [
            choice for choice in self.fields["classification"].choices if choice[0] <= user.clearance]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The end of the period comes before its start."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("period_start", _("Choose a period of at most five years."))
        if data.get("dissemination") == "named" and not data.get("recipients"):
            self.add_error("recipients", _("Name at least one platform."))
        return data
