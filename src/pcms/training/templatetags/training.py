"""Template filters of the training pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from pcms.training.choices import Gender

register = template.Library()

FEATURES = {
    "name": _("name"), "nationality": _("country"), "gender": _("gender"), "email": _("e-mail"),
    "phone": _("phone"), "birth_date": _("date of birth"), "identifier": _("identity document"),
    "address": _("address"), "schema": _("kind of record"),
}
VERDICTS = {"agree": _("same"), "partial": _("close"), "disagree": _("different")}


@register.filter
def evidence_text(why) -> str:
    """[["name", "agree"], ["gender", "disagree"]] -> "name: same · gender: different"."""
    return " · ".join(_("%(feature)s: %(verdict)s") % {"feature": FEATURES.get(code, code),
                                                        "verdict": VERDICTS.get(verdict, verdict)}
                      for code, verdict in why or [])


@register.filter
def gender_label(value: str) -> str:
    return str(dict(Gender.choices).get(value, value))
