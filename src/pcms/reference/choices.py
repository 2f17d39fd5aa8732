"""Choice lists of the reference data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    POLICE = "police", _("Police")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    NATIONAL_GUARD = "national_guard", _("National guard")
    CUSTOMS = "customs", _("Customs")
    JUSTICE = "justice", _("Justice (prosecution)")
    INTELLIGENCE = "intelligence", _("Intelligence")
    ARMED_FORCES = "armed_forces", _("Armed forces")
    OTHER = "other", _("Other")
