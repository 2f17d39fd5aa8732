"""Unusual access: users who read far more records than they usually do, or than their peers.

For each user of the platform, the reads of the last `window` days (detail pages, API reads,
attachments: every READ entry of the audit trail) are set against two yardsticks, and a flag says
which one was exceeded, in words:

- their own baseline: the same user's reads per `window`-long period over the `baseline` days
  before; flagged when the latest period is more than `k` standard deviations above its mean;
- their peers: the median of the latest period over the platform's users with an operational
  role; flagged when the user read more than `ratio` times that median.

A user with fewer than `minimum` reads in the period is never flagged: the figures mean nothing.
"""

import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from pcms.audit.choices import AuditAction
from pcms.audit.models import AuditEntry
from pcms.records.visibility import OPERATIONAL_ROLES


@dataclass(frozen=True)
class Settings:
    window: int = 7
    baseline: int = 56
    k: float = 3.0
    ratio: float = 5.0
    minimum: int = 20


@dataclass
class UserAccess:
    user: object
    reads: int
    baseline_mean: float
    baseline_std: float
    peer_median: float
    reasons: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def unusual_access(platform, settings: Settings = Settings(), now=None) -> list[UserAccess]:  # noqa: B008
    """Every operational user of `platform` with their figures, the flagged ones first."""
    now = now or timezone.now()
    start = now - timedelta(days=settings.window + settings.baseline)
    users = list(get_user_model().objects.filter(
        platform=platform, is_active=True, groups__name__in=OPERATIONAL_ROLES).distinct())
    daily = (AuditEntry.objects.filter(action=AuditAction.READ, at__gte=start, at__lt=now,
                                       actor__in=users)
             .annotate(day=TruncDate("at")).values("actor_id", "day").annotate(n=Count("id")))
    periods = settings.baseline // settings.window
    counts: dict[int, list[int]] = {user.pk: [0] * (periods + 1) for user in users}
    today = timezone.localdate(now)
    for row in daily:
        age = (today - row["day"]).days
        index = age // settings.window  # 0: the latest period
        if row["actor_id"] in counts and index <= periods:
            counts[row["actor_id"]][index] += row["n"]
    latest = {pk: series[0] for pk, series in counts.items()}
    peer_median = statistics.median(latest.values()) if latest else 0
    result = []
    for user in users:
        series = counts[user.pk]
        history = series[1:periods + 1] or [0]
        mean, std = statistics.fmean(history), statistics.pstdev(history)
        access = UserAccess(user, series[0], mean, std, peer_median)
        if series[0] >= settings.minimum:
            if series[0] > mean + settings.k * max(std, 1.0):
                access.reasons.append(_(
                    "%(reads)d reads in %(days)d days, against %(mean).1f ± %(std).1f usually "
                    "(more than %(k)s standard deviations above)") % {
                    "reads": series[0], "days": settings.window, "mean": mean, "std": std,
                    "k": settings.k})
            if series[0] > settings.ratio * max(peer_median, 1.0):
                access.reasons.append(_(
                    "%(reads)d reads in %(days)d days, more than %(ratio)s times the median of "
                    "colleagues (%(median)s)") % {
                    "reads": series[0], "days": settings.window, "ratio": settings.ratio,
                    "median": peer_median})
        result.append(access)
    return sorted(result, key=lambda a: (not a.flagged, -a.reads))
