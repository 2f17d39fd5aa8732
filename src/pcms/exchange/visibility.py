"""Need-to-know for the exchange: which messages, requests, alerts, hits and cases a user sees.

A platform reads what it sent and what was addressed to it; when a message is addressed to a role,
only the holders of that role on the recipient platforms read it. Pages, API, inbox counts and
search all start from these querysets, so no path shows more than another. Records inside them
stay under `pcms.records.visibility`.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from pcms.accounts.roles import Role
from pcms.exchange.choices import AlertStatus, RequestStatus
from pcms.exchange.models import (
    Alert,
    AlertHit,
    Case,
    ConsentRequest,
    Delivery,
    InformationRequest,
    Message,
)
from pcms.records.visibility import may_use_records

SENDER_ROLES = ("officer", "supervisor", "analyst")
EDITOR_ROLES = ("officer", "supervisor")


def may_exchange(user) -> bool:
    return may_use_records(user)


def may_send(user) -> bool:
    return may_exchange(user) and user.has_role(*SENDER_ROLES)


def roles_of(user) -> list[str]:
    return [role for role in Role.values if user.has_role(role)]


def delivered_to(user) -> Q:
    """Messages addressed to the user's platform, and to the user's roles when a role is named."""
    delivered = Exists(Delivery.objects.filter(message=OuterRef("pk"), platform=user.platform_id))
    return delivered & (Q(recipient_role="") | Q(recipient_role__in=roles_of(user)))


def visible_messages(user) -> QuerySet:
    if not may_exchange(user):
        return Message.objects.none()
    return Message.objects.filter(Q(sender=user.platform_id) | delivered_to(user))


def visible_requests(user) -> QuerySet:
    if not may_exchange(user):
        return InformationRequest.objects.none()
    received = Q(recipient=user.platform_id) & ~Q(status=RequestStatus.DRAFT)
    return InformationRequest.objects.filter(Q(requester=user.platform_id) | received)


def visible_alerts(user) -> QuerySet:
    if not may_exchange(user):
        return Alert.objects.none()
    delivered = Exists(Delivery.objects.filter(alert=OuterRef("pk"), platform=user.platform_id))
    return Alert.objects.filter(
        Q(issuer=user.platform_id) | (delivered & ~Q(status=AlertStatus.DRAFT)),
        classification__lte=user.clearance)


def visible_hits(user) -> QuerySet:
    """Hits where the user's platform matched, and hits on its alerts it may learn of."""
    if not may_exchange(user):
        return AlertHit.objects.none()
    return AlertHit.objects.filter(
        Q(platform=user.platform_id) | Q(alert__issuer=user.platform_id, issuer_informed=True),
        alert__in=visible_alerts(user))


def visible_consents(user) -> QuerySet:
    if not may_exchange(user):
        return ConsentRequest.objects.none()
    return ConsentRequest.objects.filter(Q(owner=user.platform_id) | Q(requester=user.platform_id))


def visible_cases(user) -> QuerySet:
    if not may_exchange(user):
        return Case.objects.none()
    shared = Exists(Case.participants.through.objects.filter(case=OuterRef("pk"),
                                                             platform=user.platform_id))
    return Case.objects.filter(Q(owner=user.platform_id) | shared)
