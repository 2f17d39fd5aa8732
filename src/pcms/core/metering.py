"""Bulk reads: every list page and API listing is metered per user and per hour, and audited.

One user reading a record is ordinary work; one user paging through thousands in an hour is how
a database leaves a platform. Each list page (`pcms.core.generic.ObjectListView`) and each
paginated API endpoint (`MeteredPagination`, the API's default pagination) charges the number of
records it is about to show to the user's meter for the current hour. Beyond
`PCMS_BULK_READS_PER_HOUR` the listing is refused with 429 and the refusal is audited, until the
hour turns. Single reads (a detail page) are not metered: they are audited one by one.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core.models import ReadMeter


class BulkReadLimit(Exception):  # noqa: N818 - a refusal, shown to the user
    """The user has read as many records from lists as an hour allows."""

    def __init__(self, limit: int, retry_after: int) -> None:
        super().__init__(f"more than {limit} records listed within an hour")
        self.limit, self.retry_after = limit, retry_after


def _hour():
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def used(user) -> int:
    """Records listed to `user` so far this hour."""
    meter = ReadMeter.objects.filter(user=user, hour=_hour()).first()
    return meter.count if meter else 0


def charge(request: HttpRequest, count: int, object_type: str = "") -> None:
    """Count `count` listed records against the signed-in user; raise `BulkReadLimit` beyond the
    hourly allowance (the refusal is audited)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or count <= 0:
        return
    hour = _hour()
    with transaction.atomic():
        if not ReadMeter.objects.filter(user=user, hour=hour).update(count=F("count") + count):
            try:
                with transaction.atomic():
                    ReadMeter.objects.create(user=user, hour=hour, count=count)
            except IntegrityError:  # another request of the same user created it meanwhile
                ReadMeter.objects.filter(user=user, hour=hour).update(count=F("count") + count)
        total = ReadMeter.objects.get(user=user, hour=hour).count
    limit = settings.BULK_READS_PER_HOUR
    if total > limit:
        record(AuditAction.SEARCH, request=request, object_type=object_type,
               detail={"refused": "bulk read limit", "asked": count, "limit": limit})
        retry = int((hour + timedelta(hours=1) - timezone.now()).total_seconds()) + 1
        raise BulkReadLimit(limit, retry)


class MeteredPagination(LimitOffsetPagination):
    """Limit/offset pagination that charges each page to the caller's hourly meter."""

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(result[self.items_attribute])
        try:
            charge(request, len(items), request.resolver_match.url_name or "")
        except BulkReadLimit as error:
            raise HttpError(429, f"You have listed more than {error.limit} records within an "
                                 f"hour; try again in {error.retry_after // 60 + 1} minutes.") from None
        result[self.items_attribute] = items
        return result
