"""List filters for reports and entities, shared by the pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pcms.records import schema as ftm
from pcms.records.choices import InformationCredibility, SourceReliability, Status, ThreatCategory
from pcms.records.labels import schema_label
from pcms.records.models import Entity, Report
from pcms.records.search import search_entities, search_reports
from pcms.reference.models import Agency, Platform, Region


class ReportFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    category = django_filters.ChoiceFilter(label=_("Threat category"), choices=ThreatCategory.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    facts_after = django_filters.DateFilter(label=_("Facts from"), field_name="facts_date",
                                            lookup_expr="gte")
    facts_before = django_filters.DateFilter(label=_("Facts until"), field_name="facts_date",
                                             lookup_expr="lte")
    region = django_filters.ModelChoiceFilter(label=_("Region"), queryset=Region.objects.all())
    agency = django_filters.ModelChoiceFilter(label=_("Agency"), queryset=Agency.objects.all())
    owner = django_filters.ModelChoiceFilter(label=_("Owner platform"),
                                             queryset=Platform.objects.all())
    source_reliability = django_filters.ChoiceFilter(
        label=_("Source at least"), choices=SourceReliability.choices, lookup_expr="lte")
    credibility = django_filters.ChoiceFilter(
        label=_("Information at least"), choices=InformationCredibility.choices, lookup_expr="lte")

    class Meta:
        model = Report
        fields: list[str] = []

    def search(self, queryset, name, value):
        return search_reports(queryset, value)


class EntityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    schema = django_filters.ChoiceFilter(label=_("Type"), choices=lambda: [
        (name, schema_label(ftm.get_schema(name))) for name in ftm.OPERATIONAL_SCHEMATA])
    owner = django_filters.ModelChoiceFilter(label=_("Owner platform"),
                                             queryset=Platform.objects.all())

    class Meta:
        model = Entity
        fields: list[str] = []

    def search(self, queryset, name, value):
        return search_entities(queryset, value)
