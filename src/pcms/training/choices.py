"""Choice lists of the capacity-building programme."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    RADICALISATION = "radicalisation", _("Prevention of radicalisation")
    BORDERS = "borders", _("Border management")
    CYBER = "cyber", _("Cybersecurity and cybercrime")
    INTERAGENCY = "interagency", _("Inter-agency cooperation")
    INVESTIGATION = "investigation", _("Counter-terrorism investigation")
    JUDICIAL = "judicial", _("Judicial cooperation")
    FINANCING = "financing", _("Terrorist financing")
    HUMAN_RIGHTS = "human_rights", _("Human rights and the rule of law")
    PLATFORM = "platform", _("Use of the cooperation platform")
    LEADERSHIP = "leadership", _("Strategic leadership")


class CourseFormat(models.TextChoices):
    TRAINING = "training", _("Training")
    TUTORING = "tutoring", _("Tutoring session")
    WORKSHOP = "workshop", _("Workshop")
    MEETING = "meeting", _("High-level meeting")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")


class CertificateLanguage(models.TextChoices):
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"
    ARABIC = "ar", "العربية"


class RecommendationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Implemented")
    DROPPED = "dropped", _("Dropped")
