from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from pcms.accounts.models import ApiToken, User
from pcms.core.admin import AuditedModelAdmin


@admin.register(User)
class PcmsUserAdmin(AuditedModelAdmin, UserAdmin):
    list_display = ("username", "last_name", "first_name", "platform", "agency", "is_active")
    list_filter = ("platform", "groups", "is_active")
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Platform"), {"fields": ("platform", "agency", "language", "clearance")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ("hint", "user", "name", "created_at", "expires_at", "last_used_at", "revoked")
    list_filter = ("revoked",)
    readonly_fields = ("hint", "created_at", "last_used_at")
    fields = ("user", "name", "hint", "expires_at", "revoked", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False  # tokens are issued from the account page or `pcms token create`
