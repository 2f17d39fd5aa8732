"""What awaits a user's action, counted for the navigation and listed on the inbox page.

Every count starts from the need-to-know querysets of `pcms.exchange.visibility`, so a count never
reveals a message, request or alert that the user may not read.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from pcms.exchange.choices import AlertStatus, ConsentStatus, RequestStatus
from pcms.exchange.models import Delivery, active_alerts, overdue
from pcms.exchange.visibility import (
    EDITOR_ROLES,
    may_exchange,
    visible_alerts,
    visible_consents,
    visible_hits,
    visible_messages,
    visible_requests,
)


@dataclass(frozen=True)
class Inbox:
    messages: QuerySet  # addressed to the user, receipt not yet acknowledged
    incoming_requests: QuerySet  # to answer
    outgoing_requests: QuerySet  # answered or declined, to close
    overdue_requests: QuerySet  # either side
    consents: QuerySet  # to decide
    alerts: QuerySet  # broadcast to the platform, not acknowledged
    alerts_to_validate: QuerySet
    hits: QuerySet  # not reviewed

    @property
    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name).count() for name in self.__dataclass_fields__}

    @property
    def total(self) -> int:
        counts = self.counts
        counts.pop("overdue_requests")  # already counted among the open requests
        return sum(counts.values())


def inbox(user) -> Inbox:
    platform = user.platform_id
    pending = Delivery.objects.filter(platform=platform, acknowledged_at__isnull=True)
    messages = (visible_messages(user).exclude(sender=platform)
                .filter(deliveries__in=pending.filter(message__isnull=False)))
    requests = visible_requests(user)
    alerts = visible_alerts(user)
    consents = visible_consents(user).filter(owner=platform, status=ConsentStatus.PENDING)
    if not user.has_role(*EDITOR_ROLES):
        consents = consents.none()
    to_validate = alerts.filter(issuer=platform, status=AlertStatus.SUBMITTED).exclude(
        author=user)
    if not user.has_role("supervisor"):
        to_validate = to_validate.none()
    return Inbox(
        messages=messages.select_related("sender").distinct(),
        incoming_requests=requests.filter(
            recipient=platform, status__in=(RequestStatus.SENT, RequestStatus.ACCEPTED)),
        outgoing_requests=requests.filter(
            requester=platform, status__in=(RequestStatus.ANSWERED, RequestStatus.DECLINED)),
        overdue_requests=requests.filter(overdue()),
        consents=consents,
        alerts=alerts.filter(active_alerts(), deliveries__in=pending.filter(alert__isnull=False))
        .exclude(issuer=platform).distinct(),
        alerts_to_validate=to_validate,
        hits=visible_hits(user).filter(reviewed_at__isnull=True),
    )


def count(user) -> int:
    """The number shown beside the inbox in the navigation."""
    return inbox(user).total if may_exchange(user) else 0
