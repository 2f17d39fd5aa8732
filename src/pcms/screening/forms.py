"""The screening form: what an officer knows of a person, vehicle or document, and why they check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pcms.core.forms import StyledForm
from pcms.records import schema as ftm
from pcms.reference.models import Country, Purpose

KINDS = [("Person", _("Person")), ("Vehicle", _("Vehicle")), ("Passport", _("Travel document")),
         ("Identification", _("Identity document")), ("Organization", _("Organisation")),
         ("Phone", _("Phone")), ("Firearm", _("Firearm"))]

# Form field -> (followthemoney property, schemata it applies to)
FIELDS = {
    "name": ("name", {"Person", "Organization", "Passport"}),
    "birth_date": ("birthDate", {"Person", "Passport"}),
    "nationality": ("nationality", {"Person"}),
    "gender": ("gender", {"Person", "Passport"}),
    "id_number": ("idNumber", {"Person"}),
    "phone": ("phone", {"Person", "Organization"}),
    "plate": ("registrationNumber", {"Vehicle", "Organization"}),
    "vin": ("vinCode", {"Vehicle"}),
    "number": ("number", {"Passport", "Identification"}),
    "country": ("country", {"Vehicle", "Passport", "Identification", "Organization"}),
    "line_number": ("number", {"Phone"}),
    "serial_number": ("serialNumber", {"Firearm"}),
    "make": ("make", {"Firearm"}),
}


class ScreeningForm(StyledForm):
    schema = forms.ChoiceField(label=_("What do you check?"), choices=KINDS)
    name = forms.CharField(label=_("Name"), required=False, max_length=300,
                           widget=forms.TextInput(attrs={"dir": "auto", "autofocus": True}))
    birth_date = forms.CharField(label=_("Date of birth"), required=False, max_length=10,
                                 help_text=_("YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY"))
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    gender = forms.ChoiceField(label=_("Sex"), required=False, choices=[
        ("", "—"), ("male", _("Male")), ("female", _("Female"))])
    id_number = forms.CharField(label=_("Identity number"), required=False, max_length=60)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    plate = forms.CharField(label=_("Registration plate"), required=False, max_length=40)
    vin = forms.CharField(label=_("VIN"), required=False, max_length=40)
    number = forms.CharField(label=_("Document number"), required=False, max_length=60)
    country = forms.ChoiceField(label=_("Country"), required=False)
    line_number = forms.CharField(label=_("Phone number"), required=False, max_length=40)
    serial_number = forms.CharField(label=_("Serial number"), required=False, max_length=60)
    make = forms.CharField(label=_("Make"), required=False, max_length=100)
    purpose = forms.ModelChoiceField(label=_("Purpose"), queryset=Purpose.objects.none())
    reason = forms.CharField(label=_("Why are you checking?"), max_length=300,
                             help_text=_("E.g. the case or control this check belongs to."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        countries = [("", "—")] + [(c.code.lower(), c.name) for c in Country.objects.all()]
        self.fields["nationality"].choices = countries
        self.fields["country"].choices = countries
        self.fields["purpose"].queryset = Purpose.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        schema_name = data.get("schema")
        if not schema_name:
            return data
        raw = {}
        for field, (prop, schemata) in FIELDS.items():
            if schema_name in schemata and data.get(field):
                raw.setdefault(prop, []).append(data[field])
        if not raw:
            raise forms.ValidationError(_("Give at least one thing to check."))
        cleaned = ftm.clean_properties(ftm.get_schema(schema_name), raw)
        for prop, message in cleaned.errors.items():
            field = next((f for f, (p, s) in FIELDS.items() if p == prop and schema_name in s), None)
            self.add_error(field, message)
        data["query"] = {"schema": schema_name, "properties": cleaned.properties}
        return data
