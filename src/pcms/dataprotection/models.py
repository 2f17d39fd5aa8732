"""Retention rules, the reviews that keep or delete records, and the corrections log.

Reviews and corrections name their record by type and id, not by foreign key, so that they
outlive the record's deletion and say that it existed without keeping what it said.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcms.dataprotection.choices import RecordKind, ReviewOutcome
from pcms.records.choices import MentionRole, ThreatCategory


class RetentionRule(models.Model):
    """How long a record is kept before its owner must review it, by category and role.

    An empty category or role applies to any. The most specific rule applies to each mention
    (category and role, then role, then category, then the default), and a record's review date
    is the latest its mentions give.
    """

    category = models.CharField(_("threat category"), max_length=24, blank=True,
                                choices=ThreatCategory.choices, help_text=_("Empty: any category."))
    role = models.CharField(_("role of the person or object"), max_length=20, blank=True,
                            choices=MentionRole.choices, help_text=_("Empty: any role."))
    review_after_days = models.PositiveIntegerField(
        _("review after (days)"), help_text=_("Counted from the record's first validation."))

    class Meta:
        ordering = ["category", "role"]
        constraints = [models.UniqueConstraint(fields=["category", "role"],
                                               name="retention_rule_unique")]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        category = self.get_category_display() if self.category else _("any category")
        role = self.get_role_display() if self.role else _("any role")
        return f"{category} · {role}: {self.review_after_days}"


class Review(models.Model):
    """The owner's decision on a record due for review: kept until a new date, or deleted."""

    record_type = models.CharField(_("record type"), max_length=30, choices=RecordKind.choices)
    record_id = models.CharField(_("record"), max_length=64, db_index=True)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    owner = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner platform"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    previous_due = models.DateField(_("review was due"), null=True, blank=True)
    new_due = models.DateField(_("next review"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} {self.outcome}"


class Correction(models.Model):
    """A correction of personal data, asked for by the person concerned, an oversight body or
    the owner itself: what was wrong, why, at whose request, and who recorded it."""

    record_type = models.CharField(_("record type"), max_length=30, choices=RecordKind.choices)
    record_id = models.CharField(_("record"), max_length=64, db_index=True)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    owner = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner platform"))
    what = models.CharField(_("what was corrected"), max_length=500)
    why = models.CharField(_("why"), max_length=500)
    requested_by = models.CharField(
        _("at whose request"), max_length=200,
        help_text=_("E.g. the person concerned through the national authority, an oversight body."))
    changed_fields = models.JSONField(_("fields changed"), default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.reference or self.record_id}: {self.what[:60]}"
