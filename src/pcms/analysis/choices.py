"""Choice lists of analysis: bulletin workflow, bulletin kinds and the sections a bulletin holds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class BulletinKind(models.TextChoices):
    """The templates a bulletin starts from: a title, a period and a set of sections."""

    WEEKLY = "weekly", _("Weekly regional threat bulletin")
    MONTHLY = "monthly", _("Monthly situation report")
    SPECIAL = "special", _("Special bulletin")


class Section(models.TextChoices):
    """What a bulletin may show beside its text; each is also a dashboard chart, map or table."""

    CHART_OVER_TIME = "chart_over_time", _("Chart: reports over time by threat category")
    CHART_BY_CATEGORY = "chart_by_category", _("Chart: reports by threat category")
    CHART_BY_COUNTRY = "chart_by_country", _("Chart: reports by country")
    MAP = "map", _("Map of reports by region")
    TABLE_BY_CATEGORY = "table_by_category", _("Table: reports by threat category")
    TABLE_BY_COUNTRY = "table_by_country", _("Table: reports by country")
    TABLE_BY_REGION = "table_by_region", _("Table: reports by region")
