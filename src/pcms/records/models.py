"""Operational records: information reports and the entities they mention.

Entities of every followthemoney schema live in one table, their properties as JSON, so a new
schema needs no new table. What users search and match on is indexed beside them: words in
`SearchToken`, entity-to-entity links in `Link`. Every record carries its handling: the owner
platform, who may receive it, whether it may go further, whether a court may use it, and how
classified it is.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcms.core.choices import Classification
from pcms.records.choices import (
    Dissemination,
    InformationCredibility,
    MentionRole,
    SourceReliability,
    Status,
    ThreatCategory,
)


class Handled(models.Model):
    """The owner's rules for a record: who may see it, and what they may do with it."""

    owner = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner platform"))
    dissemination = models.CharField(_("dissemination"), max_length=10,
                                     choices=Dissemination.choices, default=Dissemination.OWN)
    recipients = models.ManyToManyField("reference.Platform", blank=True, related_name="+",
                                        verbose_name=_("named recipient platforms"))
    onward_allowed = models.BooleanField(
        _("may be passed on without the owner's consent"), default=False)
    judicial_use = models.BooleanField(_("may be used in judicial proceedings"), default=False)
    hit_notice = models.BooleanField(
        _("other platforms may learn that a hit exists"), default=True,
        help_text=_("When a screening elsewhere matches this record without being allowed to "
                    "read it, they are told to contact the owner."))
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.RESTRICTED)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    review_due = models.DateField(
        _("review due"), null=True, blank=True, db_index=True,
        help_text=_("After this date only the owner platform's data protection officer sees the "
                    "record, until it is reviewed."))

    class Meta:
        abstract = True

    @property
    def handling_code(self) -> str:
        """Short marking printed on pages and exports, e.g. `ALL / NO-ONWARD / NO-JUDICIAL`."""
        parts = [self.dissemination.upper()]
        if self.dissemination == Dissemination.NAMED and self.pk:
            parts[0] += ":" + ",".join(sorted(p.code for p in self.recipients.all()))
        parts.append("ONWARD" if self.onward_allowed else "NO-ONWARD")
        parts.append("JUDICIAL" if self.judicial_use else "NO-JUDICIAL")
        return " / ".join(parts)


class Report(Handled):
    """What a national service hands in: facts, evaluation, and the entities it mentions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=300)
    narrative = models.TextField(_("narrative"), blank=True)
    facts_date = models.DateField(_("date of the facts"), null=True, blank=True, db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("country"))
    region = models.ForeignKey("reference.Region", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("region"))
    category = models.CharField(_("threat category"), max_length=24,
                                choices=ThreatCategory.choices, db_index=True)
    purpose = models.ForeignKey("reference.Purpose", on_delete=models.PROTECT, null=True,
                                related_name="+", verbose_name=_("purpose"),
                                help_text=_("Why this information is kept, and on which legal basis."))
    agency = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("reporting agency"))
    source_reliability = models.CharField(_("source reliability"), max_length=1,
                                          choices=SourceReliability.choices)
    credibility = models.CharField(_("information credibility"), max_length=1,
                                   choices=InformationCredibility.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("validated by"))
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("information report")
        verbose_name_plural = _("information reports")
        indexes = [
            models.Index(fields=["owner", "status", "-created_at"], name="report_owner_status"),
            models.Index(fields=["category", "facts_date"], name="report_category_date"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def evaluation(self) -> str:
        return f"{self.source_reliability}{self.credibility}"


class Entity(Handled):
    """A person, organisation, vehicle, firearm, phone, document, place, event or relation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    schema = models.CharField(_("type"), max_length=40, db_index=True)
    properties = models.JSONField(_("properties"), default=dict)
    written = models.JSONField(_("values as written"), default=dict, blank=True)
    caption = models.CharField(_("caption"), max_length=300)
    origin = models.ForeignKey(Report, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("first reported in"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["caption"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        indexes = [models.Index(fields=["owner", "schema"], name="entity_owner_schema")]

    def __str__(self) -> str:
        return self.caption

    def to_ftm(self) -> dict:
        """The entity as followthemoney JSON."""
        return {"id": str(self.id), "schema": self.schema, "properties": self.properties}


class Mention(models.Model):
    """An entity named in a report, in a role (suspect, victim, vehicle used...)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    role = models.CharField(_("role"), max_length=20, choices=MentionRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "entity", "role"],
                                               name="mention_unique")]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return f"{self.entity} ({self.get_role_display()})"


class Link(models.Model):
    """An edge between two entities, derived from an entity-valued property.

    A relation entity (Family, Membership...) yields an edge between the entities it joins;
    an ordinary reference (a passport's holder) yields a direct edge. Kept for graph queries.
    """

    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_in")
    via = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=60)

    class Meta:
        indexes = [models.Index(fields=["source"], name="link_source"),
                   models.Index(fields=["target"], name="link_target")]

    def __str__(self) -> str:
        return f"{self.source_id} -{self.label}-> {self.target_id}"


class SearchToken(models.Model):
    """One normalised word of a record, for fast prefix search on SQLite and PostgreSQL alike."""

    token = models.CharField(max_length=40)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, null=True, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, related_name="+")

    class Meta:
        # With the holders in the index, a search reads the index alone, never the table.
        # (entity and report are indexed on their own as foreign keys.)
        indexes = [models.Index(fields=["token", "entity", "report"], name="search_token_holders")]

    def __str__(self) -> str:
        return self.token


class ReportVersion(models.Model):
    """A frozen copy of a report as it was validated, kept when a correction follows."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"],
                                               name="report_version_unique")]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version}"


class WorkflowStep(models.Model):
    """Who moved a report through its workflow, when, and why."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=10, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.status}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.report_id}/{instance.sha256}"


class Attachment(models.Model):
    """A photo or scanned document; served only to those who may read its report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename
