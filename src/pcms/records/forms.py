"""Forms to enter reports and entities; entity fields come from the schema, not from code."""

from functools import cache
from pathlib import Path

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _
from followthemoney.types import registry

from pcms.core.forms import StyledForm, StyledModelForm, style_fields
from pcms.records import schema as ftm
from pcms.records.choices import MentionRole
from pcms.records.labels import property_label, schema_label
from pcms.records.models import Report
from pcms.reference.models import Agency, Country, Platform, Purpose, Region

ENTRY_FORMS = Path(__file__).parent / "data" / "entry_forms.yml"
MULTI_VALUED_HELP = _("One value per line.")


@cache
def entry_properties() -> dict[str, list[str]]:
    return yaml.safe_load(ENTRY_FORMS.read_text(encoding="utf-8"))


def entry_schemata() -> list[tuple[str, str]]:
    return [(name, schema_label(ftm.get_schema(name))) for name in entry_properties()]


class ReportForm(StyledModelForm):
    reason = forms.CharField(
        label=_("Reason for the correction"), required=False, max_length=500,
        help_text=_("Required when a validated report is corrected; it goes back to a supervisor."),
    )

    class Meta:
        model = Report
        fields = ["title", "category", "purpose", "facts_date", "place", "country", "region", "agency",
                  "narrative", "source_reliability", "credibility", "dissemination", "recipients",
                  "onward_allowed", "judicial_use", "hit_notice", "classification"]
        widgets = {
            "facts_date": forms.DateInput(attrs={"type": "date"}),
            "narrative": forms.Textarea(attrs={"rows": 6}),
            "recipients": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.all()
        self.fields["purpose"].queryset = Purpose.objects.filter(is_active=True)
        self.fields["purpose"].required = True
        self.fields["region"].queryset = Region.objects.select_related("country")
        self.fields["agency"].queryset = Agency.objects.filter(
            country_id=user.platform.country_id, is_active=True)
        self.fields["recipients"].queryset = Platform.objects.filter(is_active=True).exclude(
            pk=user.platform_id)
        self.fields["classification"].choices = [
            choice for choice in self.fields["classification"].choices if choice[0] <= user.clearance
        ]
        if not (self.instance.pk and self.instance.status == "validated"):
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        if data.get("dissemination") == "named" and not data.get("recipients"):
            self.add_error("recipients", _("Name at least one platform."))
        region, country = data.get("region"), data.get("country")
        if region and country and region.country_id != country.pk:
            self.add_error("region", _("This region is not in the chosen country."))
        return data


class EntityForm(StyledForm):
    """The fields of one schema, as listed in data/entry_forms.yml."""

    role = forms.ChoiceField(label=_("Role in the report"), choices=MentionRole.choices,
                             required=False)

    def __init__(self, *args, schema_name: str, with_role: bool = True, initial_properties=None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.schema = ftm.get_schema(schema_name)
        if not with_role:
            del self.fields["role"]
        countries = [("", "—")] + [(c.code.lower(), c.name) for c in Country.objects.all()]
        for name in entry_properties()[schema_name]:
            prop = self.schema.properties[name]
            required = name in self.schema.required
            initial = "\n".join((initial_properties or {}).get(name, []))
            if prop.type == registry.country:
                field = forms.ChoiceField(choices=countries, required=required)
            elif prop.type == registry.gender:
                field = forms.ChoiceField(required=False, choices=[
                    ("", "—"), ("male", _("Male")), ("female", _("Female")), ("other", _("Other"))])
            elif prop.type == registry.date:
                field = forms.CharField(required=required, max_length=10, help_text=_(
                    "YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY"))
            elif prop.type == registry.text or name in ("notes", "description", "summary"):
                field = forms.CharField(required=required, widget=forms.Textarea(attrs={"rows": 3}),
                                        max_length=ftm.MAX_VALUE_LENGTH)
            elif name in ("name", "alias", "phone", "email"):
                field = forms.CharField(required=required, widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text=MULTI_VALUED_HELP, max_length=20_000)
            else:
                field = forms.CharField(required=required, max_length=ftm.MAX_VALUE_LENGTH)
            field.label = property_label(prop)
            field.initial = initial
            if prop.type == registry.name:
                field.widget.attrs["dir"] = "auto"
            self.fields[f"p_{name}"] = field
        style_fields(self)

    def properties(self) -> dict[str, list[str]]:
        values = {}
        for key, value in self.cleaned_data.items():
            if key.startswith("p_") and value:
                values[key[2:]] = [line.strip() for line in str(value).splitlines() if line.strip()]
        return values

    def add_record_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = f"p_{name}" if f"p_{name}" in self.fields else None
            self.add_error(field, message)


class RelationForm(StyledForm):
    schema = forms.ChoiceField(label=_("Relation"))
    source = forms.UUIDField(label=_("From"))
    target = forms.UUIDField(label=_("To"))
    detail = forms.CharField(label=_("Detail"), required=False, max_length=200,
                             help_text=_("E.g. brother, leader, driver."))

    def __init__(self, *args, entities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schema"].choices = [
            (name, schema_label(ftm.get_schema(name))) for name in ftm.RELATION_SCHEMATA]
        choices = [(str(entity.pk), f"{entity.caption} ({schema_label(ftm.get_schema(entity.schema))})")
                   for entity in entities]
        self.fields["source"] = forms.TypedChoiceField(label=_("From"), choices=choices)
        self.fields["target"] = forms.TypedChoiceField(label=_("To"), choices=choices)
        style_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            self.add_error("target", _("Choose two different entities."))
        return data


class ReviewForm(StyledForm):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(StyledForm):
    file = forms.FileField(label=_("File"))
