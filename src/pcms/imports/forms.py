"""Forms of the import pages: upload, column mapping, and export."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pcms.core.forms import StyledForm, StyledModelForm, style_fields
from pcms.imports import actions
from pcms.imports.choices import ExportFormat, ExportProfile
from pcms.imports.files import EXTENSIONS, megabytes
from pcms.records import schema as ftm
from pcms.records.choices import MentionRole
from pcms.records.labels import property_label, schema_label
from pcms.records.models import Report

_WORDS = re.compile(r"[^a-z0-9]+")


class UploadForm(StyledForm):
    file = forms.FileField(label=gettext_lazy("File"))
    report = forms.ModelChoiceField(
        Report.objects.none(), required=False, label=gettext_lazy("Add to the report"),
        empty_label=gettext_lazy("A new draft report, described below"))
    mapping = forms.ModelChoiceField(
        None, required=False, label=gettext_lazy("Saved column mapping"),
        empty_label=gettext_lazy("None: map the columns on the next page"),
        help_text=gettext_lazy("For tables only: a mapping saved for files of the same shape."))
    role = forms.ChoiceField(label=gettext_lazy("Role of the people and organisations"),
                             choices=MentionRole.choices, initial=MentionRole.SUSPECT)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = actions.editable_reports(user)
        self.fields["mapping"].queryset = actions.mappings_for(user)
        self.fields["file"].help_text = _(
            "CSV, XLSX or followthemoney JSON, at most %(size)s MB.") % {
            "size": megabytes(settings.IMPORT_MAX_BYTES)}
        self.fields["file"].widget.attrs.update({
            "accept": ",".join(sorted(EXTENSIONS)),
            "data-max-bytes": str(settings.IMPORT_MAX_BYTES),
            "data-too-large": _("The file is larger than the limit of %(size)s MB: split it into "
                                "smaller files.") % {"size": megabytes(settings.IMPORT_MAX_BYTES)},
        })


class NewReportForm(StyledModelForm):
    """The report an import creates when it is not added to an existing draft."""

    class Meta:
        model = Report
        fields = ["title", "category", "source_reliability", "credibility", "dissemination",
                  "recipients", "onward_allowed", "judicial_use", "classification"]
        widgets = {"recipients": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Left empty: “Import” and the file name.")

    def clean_classification(self):
        value = self.cleaned_data["classification"]
        if value > self.user.clearance:
            raise forms.ValidationError(_("This is above your clearance."))
        return value

    def as_data(self, filename: str) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "recipients"}
        data["title"] = data["title"] or _("Import %(file)s") % {"file": filename}
        data["recipients"] = [platform.code for platform in self.cleaned_data["recipients"]]
        return data


def _normal(text: str) -> str:
    return _WORDS.sub("", text.casefold())


def guess_property(header: str, properties) -> str:
    """The property a column most likely feeds, by its name or label; empty when unsure."""
    wanted = _normal(header)
    for prop in properties:
        if wanted in (_normal(prop.name), _normal(str(prop.label)), _normal(property_label(prop))):
            return prop.name
    return ""


class SchemaForm(StyledForm):
    schema = forms.ChoiceField(label=gettext_lazy("Each row is a"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schema"].choices = [(name, schema_label(ftm.get_schema(name)))
                                         for name in ftm.OPERATIONAL_SCHEMATA]
        self.fields["schema"].widget.attrs["data-autosubmit"] = "true"


class MappingForm(forms.Form):
    """One choice per column: the property it feeds, or nothing."""

    role = forms.ChoiceField(label=gettext_lazy("Role in the report"), choices=MentionRole.choices)
    save_as = forms.CharField(label=gettext_lazy("Save this mapping as"), max_length=100,
                              required=False,
                              help_text=gettext_lazy("A name, to reuse it for files of the same "
                                                     "shape; a mapping of the same name is "
                                                     "replaced."))

    def __init__(self, *args, schema: str, headers: list[str], initial_columns: dict[str, str],
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.schema, self.headers = schema, headers
        properties = actions.mappable_properties(schema)
        choices = [("", _("— not imported —"))] + [(prop.name, property_label(prop))
                                                   for prop in properties]
        for index, header in enumerate(headers):
            initial = initial_columns.get(header, guess_property(header, properties))
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=initial)
        self.order_fields([f"column_{index}" for index in range(len(headers))] + ["role", "save_as"])
        style_fields(self)

    def columns(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(f"column_{index}", "")
                for index, header in enumerate(self.headers)}


class ExportForm(StyledForm):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=ExportFormat.choices)
    profile = forms.ChoiceField(label=gettext_lazy("What the export holds"),
                                choices=ExportProfile.choices, initial=ExportProfile.FULL)
    references = forms.CharField(
        label=gettext_lazy("Report references"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line or separated by spaces, e.g. NE-2026-000012."))
    report = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    entity = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        data = self.data or self.initial
        for name in ("report", "entity"):
            values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
            self.fields[name].choices = [(value, value) for value in values]

    def selection(self) -> dict:
        return {"reports": self.cleaned_data["report"], "entities": self.cleaned_data["entity"],
                "references": self.cleaned_data["references"].split()}
