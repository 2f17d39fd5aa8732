"""Review dates: when each record must be looked at again by its owner.

A report's mentions give its review date: each mention (a suspect in a kidnapping, a witness of
a border incident) takes the most specific retention rule, counted from the report's first
validation, and the report is due at the latest of them. An entity is due at the latest date its
own mentions give across every report that names it, so a witness named in one report and a
suspect in another stays as long as the suspect. Dates are set when a report is validated (inside
the validation's transaction), never move earlier, and move later only by a review.

Past its date a record is hidden by `pcms.records.visibility.readable` from everyone but its
owner platform's data protection officer, who reviews it: extends it with a reason, or deletes it.
"""

from datetime import date, timedelta
from pathlib import Path

import yaml
from django.db.models import Min, Q
from django.utils import timezone

from pcms.records.choices import Status
from pcms.records.models import Entity, Mention, Report, WorkflowStep

SEEDS = Path(__file__).parent / "data" / "retention.yml"
FALLBACK_DAYS = 5 * 365 + 1
DUE_SOON_DAYS = 30


def rules() -> dict[tuple[str, str], int]:
    from pcms.dataprotection.models import RetentionRule

    return {(r.category, r.role): r.review_after_days for r in RetentionRule.objects.all()}


def period(table: dict[tuple[str, str], int], category: str, role: str) -> int:
    """Days before review for a mention: the most specific rule, else the default."""
    for key in ((category, role), ("", role), (category, ""), ("", "")):
        if key in table:
            return table[key]
    return FALLBACK_DAYS


def first_validation(report: Report) -> date:
    at = (WorkflowStep.objects.filter(report=report, status=Status.VALIDATED)
          .aggregate(first=Min("at"))["first"]) or report.validated_at or timezone.now()
    return timezone.localdate(at)


def report_due(report: Report, table=None) -> date:
    table = rules() if table is None else table
    roles = set(report.mentions.values_list("role", flat=True)) or {""}
    days = max(period(table, report.category, role) for role in roles)
    return first_validation(report) + timedelta(days=days)


def entity_due(entity: Entity, table=None) -> date | None:
    """The latest date the entity's mentions in validated reports give; for a relation, which
    no report mentions, its report's date."""
    table = rules() if table is None else table
    dates = []
    mentions = Mention.objects.filter(entity=entity, report__status=Status.VALIDATED)
    for mention in mentions.select_related("report"):
        days = period(table, mention.report.category, mention.role)
        dates.append(first_validation(mention.report) + timedelta(days=days))
    if not dates and entity.origin_id and entity.origin.review_due:
        dates.append(entity.origin.review_due)
    return max(dates, default=None)


def _later(current: date | None, computed: date | None) -> date | None:
    if current is None:
        return computed
    return max(current, computed) if computed else current


def schedule(report: Report) -> None:
    """Set the review dates of a report just validated and of every entity it names."""
    table = rules()
    report.review_due = _later(report.review_due, report_due(report, table))
    Report.objects.filter(pk=report.pk).update(review_due=report.review_due)
    entities = Entity.objects.filter(Q(mentions__report=report) | Q(origin=report)).distinct()
    for entity in entities.select_related("origin"):
        due = _later(entity.review_due, entity_due(entity, table))
        if due != entity.review_due:
            Entity.objects.filter(pk=entity.pk).update(review_due=due)


def on_report_validating(sender, report, **kwargs) -> None:
    schedule(report)


def due_within(queryset, days: int = DUE_SOON_DAYS):
    """Records of `queryset` whose review falls within `days` (overdue ones included)."""
    return queryset.filter(review_due__isnull=False,
                           review_due__lte=timezone.localdate() + timedelta(days=days))


def is_overdue(record) -> bool:
    return record.review_due is not None and record.review_due < timezone.localdate()


def load_rules(sender=None, **kwargs) -> None:
    """Seed the default rules after migrating, once: an administrator's rules are never changed."""
    from pcms.dataprotection.models import RetentionRule

    using = kwargs.get("using", "default")
    if RetentionRule.objects.using(using).exists():
        return
    seeds = yaml.safe_load(SEEDS.read_text(encoding="utf-8"))
    RetentionRule.objects.using(using).bulk_create(
        RetentionRule(category=item.get("category", ""), role=item.get("role", ""),
                      review_after_days=item["days"]) for item in seeds)
