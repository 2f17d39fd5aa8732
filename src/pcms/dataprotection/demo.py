"""Demo: a few of the demo platform's records come due for review, one is past its date."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from pcms.records.choices import Status
from pcms.records.models import Entity, Report


def load(stdout) -> None:
    today = timezone.localdate()
    reports = list(Report.objects.filter(owner__code=settings.PCMS_NODE, status=Status.VALIDATED)
                   .order_by("created_at")[:3])
    for report, days in zip(reports, (-3, 10, 25), strict=False):
        Report.objects.filter(pk=report.pk).update(review_due=today + timedelta(days=days))
        Entity.objects.filter(mentions__report=report, review_due__isnull=False).update(
            review_due=today + timedelta(days=days))
    stdout.write(f"dataprotection: {len(reports)} demo records brought up for review\n")
