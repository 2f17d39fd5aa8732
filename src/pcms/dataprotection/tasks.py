"""Daily: tell each platform's supervisors and data protection officer what comes due for review.

One notification per person and day at most, and only when something changed: records entering
the 30-day window today, or records whose date passed yesterday (now hidden from all but the data
protection officer).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from pcms.core.models import NotificationLevel, notify
from pcms.dataprotection.retention import DUE_SOON_DAYS
from pcms.records.models import Entity, Report
from pcms.reference.models import Platform


def notify_reviews(today=None) -> int:
    """Leave the day's review notifications; return how many were left."""
    today = today or timezone.localdate()
    entering, lapsed = today + timedelta(days=DUE_SOON_DAYS), today - timedelta(days=1)
    sent = 0
    for platform in Platform.objects.filter(is_active=True):
        counts = {}
        for label, day in (("entering", entering), ("lapsed", lapsed)):
            counts[label] = sum(model.objects.filter(owner=platform, review_due=day).count()
                                for model in (Report, Entity))
        if not any(counts.values()):
            continue
        users = get_user_model().objects.filter(
            platform=platform, is_active=True, groups__name__in=("supervisor", "dpo")).distinct()
        for user in users:
            with override(user.language):
                parts = []
                if counts["entering"]:
                    parts.append(_("%(count)d records come due for review within %(days)d days") % {
                        "count": counts["entering"], "days": DUE_SOON_DAYS})
                if counts["lapsed"] and user.has_role("dpo"):
                    parts.append(_("%(count)d records passed their review date and are now "
                                   "hidden") % {"count": counts["lapsed"]})
                if not parts:
                    continue
                notify(user, "; ".join(parts) + ".", url="/dataprotection/review/",
                       level=NotificationLevel.ACTION)
                sent += 1
    return sent


@db_periodic_task(crontab(hour="5", minute="30"))
def daily_review_notices() -> None:
    notify_reviews()
