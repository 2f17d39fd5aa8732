from django.contrib import admin

from pcms.core.admin import AuditedModelAdmin
from pcms.reference.models import Agency, Country, Platform, Purpose, Region


@admin.register(Platform)
class PlatformAdmin(AuditedModelAdmin):
    list_display = ("code", "name_fr", "country", "is_regional", "is_active")
    list_filter = ("is_regional", "is_active")
    search_fields = ("code", "name_fr", "name_en", "name_ar")


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ("code", "name_fr", "abbreviation", "country", "kind", "is_active")
    list_filter = ("kind", "country", "is_active")
    search_fields = ("code", "name_fr", "name_en", "name_ar", "abbreviation")


@admin.register(Country)
class CountryAdmin(AuditedModelAdmin):
    list_display = ("code", "alpha3", "name_fr", "name_en", "name_ar")
    search_fields = ("code", "alpha3", "name_fr", "name_en", "name_ar")


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ("code", "name_fr", "name_ar", "country", "category")
    list_filter = ("country",)
    search_fields = ("code", "name_fr", "name_en", "name_ar")


@admin.register(Purpose)
class PurposeAdmin(AuditedModelAdmin):
    list_display = ("code", "name_fr", "legal_basis", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_fr", "name_en", "name_ar", "legal_basis")
