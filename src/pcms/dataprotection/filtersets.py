"""Search of the audit trail for the data protection officer.

Every filter is served by an index of the trail (at; actor and at; object type and id; action
and at), and dates compare the raw timestamp, never a function of it, so the search stays quick
over millions of entries.
"""

from datetime import datetime, time, timedelta

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pcms.audit.choices import AuditAction
from pcms.audit.models import AuditEntry
from pcms.reference.models import Platform


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(label=_("User name"), method="by_user")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    object_type = django_filters.CharFilter(label=_("Object type"), field_name="object_type")
    object_id = django_filters.CharFilter(label=_("Object"), field_name="object_id")
    platform = django_filters.ModelChoiceFilter(label=_("Platform"), method="by_platform",
                                                queryset=Platform.objects.all(),
                                                to_field_name="code")
    since = django_filters.DateFilter(label=_("From"), method="by_since")
    until = django_filters.DateFilter(label=_("Until"), method="by_until")

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def __init__(self, *args, regional: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not regional:
            del self.filters["platform"]

    def by_user(self, queryset, name, value):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=value).first()
        return queryset.filter(actor=user) if user else queryset.filter(actor_username=value)

    def by_platform(self, queryset, name, value):
        return queryset.filter(platform=value.code)

    def by_since(self, queryset, name, value):
        return queryset.filter(at__gte=_start_of(value))

    def by_until(self, queryset, name, value):
        return queryset.filter(at__lt=_start_of(value + timedelta(days=1)))
