from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pcms.accounts.models import ApiToken, User
from pcms.accounts.roles import grant_errors
from pcms.core.admin import AuditedModelAdmin


class PcmsUserChangeForm(UserChangeForm):
    """Refuses a role the user may not receive yet (see roles.register_grant_check)."""

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is not None and self.instance.pk:
            held = set(self.instance.groups.values_list("name", flat=True))
            added = [group.name for group in groups if group.name not in held]
            platform = cleaned.get("platform", self.instance.platform)
            errors = grant_errors(self.instance, added, platform) if platform else []
            if errors:
                raise ValidationError(errors)
        return cleaned


@admin.register(User)
class PcmsUserAdmin(AuditedModelAdmin, UserAdmin):
    form = PcmsUserChangeForm
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
