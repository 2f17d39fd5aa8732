"""Bootstrap styling for every form, so templates render fields with one include."""

from django import forms

_WIDGET_CLASSES = {
    forms.CheckboxInput: "form-check-input",
    forms.CheckboxSelectMultiple: "",
    forms.RadioSelect: "",
    forms.Select: "form-select",
    forms.SelectMultiple: "form-select",
}


def style_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = next((c for kind, c in _WIDGET_CLASSES.items() if isinstance(widget, kind)),
                   "form-control")
        if isinstance(widget, forms.DateInput):
            widget.input_type = "date"
        if css:
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)
