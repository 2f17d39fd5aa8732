"""Choice lists of operational records: workflow, evaluation, handling and categories."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for validation")
    VALIDATED = "validated", _("Validated")
    RETURNED = "returned", _("Returned for correction")


class ThreatCategory(models.TextChoices):
    TERRORISM = "terrorism", _("Terrorism")
    TERRORIST_FINANCING = "terrorist_financing", _("Terrorist financing")
    ARMS_TRAFFICKING = "arms_trafficking", _("Arms trafficking")
    DRUG_TRAFFICKING = "drug_trafficking", _("Drug trafficking")
    SMUGGLING = "smuggling", _("Migrant smuggling and trafficking in persons")
    KIDNAPPING = "kidnapping", _("Kidnapping for ransom")
    CYBERCRIME = "cybercrime", _("Cybercrime")
    BORDER_INCIDENT = "border_incident", _("Border incident")
    OTHER = "other", _("Other")


class SourceReliability(models.TextChoices):
    """Admiralty scale, first axis: how reliable the source has been."""

    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class InformationCredibility(models.TextChoices):
    """Admiralty scale, second axis: how credible this piece of information is."""

    CONFIRMED = "1", _("1 — confirmed by other sources")
    PROBABLY_TRUE = "2", _("2 — probably true")
    POSSIBLY_TRUE = "3", _("3 — possibly true")
    DOUBTFUL = "4", _("4 — doubtful")
    IMPROBABLE = "5", _("5 — improbable")
    UNKNOWN = "6", _("6 — truth cannot be judged")


class Dissemination(models.TextChoices):
    """Who may receive a record, decided by its owner."""

    OWN = "own", _("Own platform only")
    REGIONAL = "regional", _("Regional platform")
    NAMED = "named", _("Named states")
    ALL = "all", _("All member states")


class MentionRole(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    VICTIM = "victim", _("Victim")
    WITNESS = "witness", _("Witness")
    OWNER = "owner", _("Owner")
    VEHICLE_USED = "vehicle_used", _("Vehicle used")
    WEAPON_USED = "weapon_used", _("Weapon used")
    PHONE_USED = "phone_used", _("Phone used")
    DOCUMENT_USED = "document_used", _("Document used")
    PLACE = "place", _("Place")
    OTHER = "other", _("Other")
