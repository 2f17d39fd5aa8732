"""Bulletins: periodic analysis products composed from the dashboards' figures.

A bulletin carries the same handling as a record (owner, audience, onward use, judicial use,
classification), so that its marking reads like every other marking of the platform; its figures
are drawn only from records whose own handling allows that audience (see `pcms.analysis.bulletins`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcms.analysis.choices import BulletinKind, BulletinStatus, Section
from pcms.records.choices import ThreatCategory
from pcms.records.models import Handled


def default_sections() -> list[str]:
    return [Section.CHART_OVER_TIME, Section.MAP, Section.TABLE_BY_CATEGORY]


class Bulletin(Handled):
    kind = models.CharField(_("template"), max_length=12, choices=BulletinKind.choices,
                            default=BulletinKind.WEEKLY)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    category = models.CharField(_("threat category"), max_length=24, blank=True,
                                choices=ThreatCategory.choices)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("country"))
    body = models.TextField(_("text"), blank=True,
                            help_text=_("Paragraphs separated by an empty line."))
    sections = models.JSONField(_("charts, map and tables"), default=default_sections, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=BulletinStatus.choices,
                              default=BulletinStatus.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-created_at"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        indexes = [models.Index(fields=["owner", "-period_end"], name="bulletin_owner_period")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("analysis:bulletin_detail", args=[self.pk])


class Grain(models.TextChoices):
    """How finely a report count is cut: by region, summed over regions (the dashboard's time,
    category and country figures), or summed over categories (its region figures)."""

    FULL = "full"
    TIME = "time"
    PLACE = "place"


class ReportCount(models.Model):
    """Reports of one month and threat category in the audience of `platform`, counted ahead by
    everything else that decides who of that platform reads them (owner, classification, month
    of the review date): the dashboard sums these instead of visiting every report. Kept by
    `pcms.analysis.counts`; never shown as such, only through a user's reach."""

    platform = models.ForeignKey("reference.Platform", on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(max_length=5, choices=Grain.choices)
    month = models.CharField(max_length=7)
    category = models.CharField(max_length=24)
    country = models.ForeignKey("reference.Country", on_delete=models.DO_NOTHING, null=True,
                                db_constraint=False, related_name="+")
    region = models.ForeignKey("reference.Region", on_delete=models.DO_NOTHING, null=True,
                               db_constraint=False, related_name="+")
    owner = models.ForeignKey("reference.Platform", on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    classification = models.PositiveSmallIntegerField()
    # The last day of the month the review falls due: exact for every month but the current one.
    review_due = models.DateField(null=True)
    reports = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(
            fields=["platform", "grain", "category", "month", "country", "region", "owner",
                    "classification", "review_due", "reports"], name="report_count_platform_grain")]

    def __str__(self) -> str:
        return f"{self.platform_id} {self.month} {self.category}: {self.reports}"


class ReportCountChange(models.Model):
    """A month and category whose counts no longer hold: written by database triggers in the
    transaction that changed a report, its recipients or its grants; counted report by report
    until `pcms.analysis.counts.fold` counts it again."""

    month = models.CharField(max_length=7)
    category = models.CharField(max_length=24)

    class Meta:
        indexes = [models.Index(fields=["month", "category"], name="report_count_change_cell")]

    def __str__(self) -> str:
        return f"{self.month} {self.category}"
