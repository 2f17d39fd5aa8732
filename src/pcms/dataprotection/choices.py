"""Choice lists of data protection: what a retention rule applies to, and how a review ended."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewOutcome(models.TextChoices):
    EXTENDED = "extended", _("Kept, review date extended")
    DELETED = "deleted", _("Deleted")


class RecordKind(models.TextChoices):
    REPORT = "records.report", _("Information report")
    ENTITY = "records.entity", _("Entity")
