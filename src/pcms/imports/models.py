"""Import jobs and the column mappings they reuse.

An `ImportJob` follows one uploaded file from upload to the entities it created: read, mapped,
checked row by row, then applied all at once or not at all. Its file and work files live in
`MEDIA_ROOT/imports/<job id>/` under names of our own (never the uploaded name), and are removed
once the job is over. An `ImportMapping` says which column of a table feeds which property of
an entity type; a platform's officers save and reuse them for files that come in the same shape.
"""

import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcms.imports.choices import FINAL, ImportFormat, JobStatus
from pcms.records.choices import MentionRole

# How many failing rows a job keeps to show; the count of all of them is kept beside.
MAX_STORED_ERRORS = 1000


class ImportMapping(models.Model):
    name = models.CharField(_("name"), max_length=100)
    schema = models.CharField(_("entity type"), max_length=40)
    columns = models.JSONField(_("columns"), default=dict,
                               help_text=_("Column as written in the file -> property."))
    role = models.CharField(_("role in the report"), max_length=20, choices=MentionRole.choices)
    owner = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("platform"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="mapping_unique_name")]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("user"))
    platform = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("platform"))
    filename = models.CharField(_("file name"), max_length=200)
    format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=JobStatus.choices,
                              default=JobStatus.QUEUED, db_index=True)
    # What the rows become: the entity type and column mapping (tables), the role in the report.
    mapping = models.ForeignKey(ImportMapping, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("mapping"))
    schema = models.CharField(_("entity type"), max_length=40, blank=True)
    columns = models.JSONField(default=dict, blank=True)
    role = models.CharField(_("role in the report"), max_length=20, choices=MentionRole.choices,
                            blank=True)
    # Where they go: an existing draft report, or one created with these fields when applied.
    report = models.ForeignKey("records.Report", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("report"))
    new_report = models.JSONField(default=dict, blank=True)
    # What the file holds, as read: headers and first rows (tables), reading notes.
    headers = models.JSONField(default=list, blank=True)
    sample = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    # The outcome of the check: rows as they will be stored, and every failing row.
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_count = models.PositiveIntegerField(_("failing rows"), default=0)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["user", "-created_at"], name="import_user_created")]

    def __str__(self) -> str:
        return self.filename

    @property
    def directory(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "imports" / str(self.id)

    @property
    def upload_path(self) -> Path:
        return self.directory / "upload"

    @property
    def staged_path(self) -> Path:
        return self.directory / "staged.jsonl"

    @property
    def is_table(self) -> bool:
        return self.format in (ImportFormat.CSV, ImportFormat.XLSX)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    def remove_files(self) -> None:
        """The uploaded file and the staged rows hold personal data: gone once the job is over."""
        shutil.rmtree(self.directory, ignore_errors=True)
