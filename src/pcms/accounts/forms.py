from django import forms
from django.utils.translation import gettext_lazy as _

from pcms.core.forms import StyledForm


class LoginForm(StyledForm):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username",
                                                             "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False, max_length=256,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TokenForm(StyledForm):
    token = forms.RegexField(
        label=_("Code"), regex=r"^\s*[0-9a-z]{6,16}\s*$", max_length=20,
        error_messages={"invalid": _("Enter the six-digit code from your authenticator app, "
                                     "or one of your recovery codes.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class ApiTokenForm(StyledForm):
    name = forms.CharField(label=_("What the token is for"), max_length=100)
