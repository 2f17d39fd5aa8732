"""Choice lists shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    """How sensitive a record is; a user reads up to their clearance."""

    UNCLASSIFIED = 0, _("Unclassified")
    RESTRICTED = 1, _("Restricted")
    CONFIDENTIAL = 2, _("Confidential")
    SECRET = 3, _("Secret")
