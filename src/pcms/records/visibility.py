"""Need-to-know: which reports and entities a user may read, edit or validate.

One place decides, and every path uses it: pages, API, search, matching, exports and federation
filter their querysets through `readable()` or ask `can_read()`. A user reads the records of
their own platform, validated records of other platforms whose owner addressed them to the
user's platform, and validated records sent to the user's platform within the rules (a grant,
registered by the capability that sends them), always within the user's clearance. A record past
its review date is hidden from everyone but its owner platform's data protection officer.
"""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from pcms.records.choices import Dissemination, Status

OPERATIONAL_ROLES = ("officer", "supervisor", "analyst", "dpo")
EDITOR_ROLES = ("officer", "supervisor")


def may_use_records(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.platform_id
        and user.has_role(*OPERATIONAL_ROLES)
    )


def addressed_to(model, platform) -> Q:
    """Validated records that their owner addresses to `platform` (its own excepted)."""
    through = model.recipients.through
    source = f"{model._meta.model_name}_id"
    named = Exists(through.objects.filter(**{source: OuterRef("pk")}, platform_id=platform.pk))
    audience = Q(dissemination=Dissemination.ALL) | (Q(dissemination=Dissemination.NAMED) & named)
    if platform.is_regional:
        audience |= Q(dissemination=Dissemination.REGIONAL)
    return Q(status=Status.VALIDATED) & audience


# (model, platform) -> Q of the records of `model` granted to `platform` beyond their audience.
GrantCondition = Callable[[type, object], Q]
_GRANTS: list[GrantCondition] = []


def register_grant(condition: GrantCondition) -> None:
    """Let a capability open records to a platform (exchange: a record sent within the rules)."""
    if condition not in _GRANTS:
        _GRANTS.append(condition)


def audience(model, platform) -> Q:
    """Every record of `model` that `platform` may read, whoever of its users asks."""
    allowed = Q(owner_id=platform.pk) | addressed_to(model, platform)
    for condition in _GRANTS:
        allowed |= Q(status=Status.VALIDATED) & condition(model, platform)
    return allowed


def current(prefix: str = "") -> Q:
    """Records not past their review date (or never given one); `prefix` follows a relation."""
    return (Q(**{f"{prefix}review_due__isnull": True})
            | Q(**{f"{prefix}review_due__gte": timezone.localdate()}))


def is_current(record) -> bool:
    return record.review_due is None or record.review_due >= timezone.localdate()


def in_audience(record, platform) -> bool:
    return type(record).objects.filter(audience(type(record), platform), pk=record.pk).exists()


def within_reach(user) -> Q:
    """What `user` reads of their platform's audience: records within their clearance and not
    past review; past review, only the owner platform's data protection officer still sees one.

    It looks only at a record's `owner_id`, `classification` and `review_due`, so that figures
    counted ahead per platform (`pcms.analysis.counts`) are limited by the same rule."""
    reach = (current() | Q(owner_id=user.platform_id)) if user.has_role("dpo") else current()
    return reach & Q(classification__lte=user.clearance)


def readable(queryset: QuerySet, user) -> QuerySet:
    """The part of `queryset` (of Report or Entity) that `user` may read."""
    if not may_use_records(user):
        return queryset.none()
    return queryset.filter(audience(queryset.model, user.platform) & within_reach(user))


def can_read(user, record) -> bool:
    return readable(type(record).objects.filter(pk=record.pk), user).exists()


def can_edit(user, record) -> bool:
    """Only the owner platform's officers and supervisors change a record."""
    return (
        may_use_records(user) and user.has_role(*EDITOR_ROLES)
        and record.owner_id == user.platform_id and record.classification <= user.clearance
    )


def can_validate(user, report) -> bool:
    """Four eyes: a supervisor of the owner platform who neither wrote nor submitted it."""
    return (
        may_use_records(user) and user.has_role("supervisor")
        and report.owner_id == user.platform_id and report.status == Status.SUBMITTED
        and user.pk not in (report.created_by_id, report.submitted_by_id)
        and report.classification <= user.clearance
    )


def may_pass_on(user, record) -> bool:
    """Whether `user` may send `record` onward: its owner always; others only when allowed."""
    return record.owner_id == user.platform_id or record.onward_allowed
