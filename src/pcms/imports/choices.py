"""Choice lists of imports and exports: formats, job states and export profiles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV table")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    FTM = "ftm", _("followthemoney JSON")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Reading the file")
    MAPPING = "mapping", _("Waiting for the column mapping")
    VALIDATING = "validating", _("Checking every row")
    READY = "ready", _("Ready to import")
    INVALID = "invalid", _("Refused: some rows are wrong")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# Work is under way in these states: the page polls, and a cancel must reach the worker.
IN_PROGRESS = (JobStatus.QUEUED, JobStatus.VALIDATING, JobStatus.RUNNING)
# A user may cancel from these states; nothing is written until an import is done.
CANCELLABLE = (JobStatus.QUEUED, JobStatus.MAPPING, JobStatus.VALIDATING, JobStatus.READY,
               JobStatus.INVALID, JobStatus.RUNNING)
FINAL = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class ExportFormat(models.TextChoices):
    FTM = "ftm", _("followthemoney JSON lines")
    STIX = "stix", _("STIX 2.1 bundle")
    CSV = "csv", _("CSV table")


class ExportProfile(models.TextChoices):
    """How much of each record leaves: minimisation by what the recipient needs."""

    FULL = "full", _("Everything the records hold")
    NO_CONTACT = "no_contact", _("Without contact details (phones, e-mails, addresses, websites)")
    IDENTIFICATION = "identification", _("Identification only (names, birth, nationality, "
                                         "identifiers)")
