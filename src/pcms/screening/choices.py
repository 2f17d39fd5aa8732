from django.db import models
from django.utils.translation import gettext_lazy as _


class HitStatus(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Same person or object")
    DISMISSED = "dismissed", _("Not the same")


class Disclosure(models.TextChoices):
    """What a searcher may see of a candidate, by the owner's handling code."""

    FULL = "full", _("Details")
    HIT_ONLY = "hit_only", _("Hit exists: contact the owner")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("To decide")
    MERGED = "merged", _("Merged")
    REJECTED = "rejected", _("Not duplicates")
