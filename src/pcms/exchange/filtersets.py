"""List filters for messages, requests, alerts, hits and cases, shared by the pages and the API.

Each filters a queryset already limited by `pcms.exchange.visibility`, so a search finds only
what the user may read."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pcms.exchange.choices import AlertKind, AlertStatus, CaseStatus, Priority, RequestStatus
from pcms.exchange.models import Alert, AlertHit, Case, InformationRequest, Message, overdue

BOX_CHOICES = [("received", _("Received")), ("sent", _("Sent"))]
SIDE_CHOICES = [("incoming", _("Addressed to my platform")), ("outgoing", _("Made by my platform"))]


class _Filters(django_filters.FilterSet):
    def __init__(self, *args, request=None, **kwargs) -> None:
        super().__init__(*args, request=request, **kwargs)
        self.platform_id = getattr(getattr(request, "user", None), "platform_id", None)


class MessageFilterSet(_Filters):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    box = django_filters.ChoiceFilter(label=_("Box"), choices=BOX_CHOICES, method="in_box")

    class Meta:
        model = Message
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(subject__icontains=value[:100]) | Q(body__icontains=value[:100]))

    def in_box(self, queryset, name, value):
        if value == "sent":
            return queryset.filter(sender=self.platform_id)
        return queryset.exclude(sender=self.platform_id)


class RequestFilterSet(_Filters):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    side = django_filters.ChoiceFilter(label=_("Side"), choices=SIDE_CHOICES, method="on_side")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RequestStatus.choices)
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="only_overdue")

    class Meta:
        model = InformationRequest
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value[:100]
        return queryset.filter(Q(reference__icontains=value) | Q(subject__icontains=value)
                               | Q(body__icontains=value))

    def on_side(self, queryset, name, value):
        if value == "outgoing":
            return queryset.filter(requester=self.platform_id)
        return queryset.filter(recipient=self.platform_id)

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue()) if value else queryset.exclude(overdue())


class AlertFilterSet(_Filters):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AlertKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AlertStatus.choices)

    class Meta:
        model = Alert
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value[:100]
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))


class HitFilterSet(_Filters):
    reviewed = django_filters.BooleanFilter(label=_("Reviewed"), field_name="reviewed_at",
                                            lookup_expr="isnull", exclude=True)

    class Meta:
        model = AlertHit
        fields: list[str] = []


class CaseFilterSet(_Filters):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)

    class Meta:
        model = Case
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value[:100]
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value)
                               | Q(description__icontains=value))
