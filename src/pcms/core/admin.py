"""The administration site: reference data and users, for administrators only, audited."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pcms.audit.choices import AuditAction
from pcms.audit.services import record


class PcmsAdminSite(admin.AdminSite):
    site_header = _("pcms administration")
    site_title = _("pcms administration")
    index_title = _("Reference data and users")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_authenticated and user.has_role("administrator")

    def login(self, request, extra_context=None):
        """Administrators sign in through the platform's own two-step sign-in."""
        return redirect(reverse("accounts:login") + f"?next={request.get_full_path()}")


class AuditedModelAdmin(admin.ModelAdmin):
    """Every change page read and every save or delete goes to the audit trail."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            record(AuditAction.READ, request=request, object_type=self.model._meta.label_lower,
                   object_id=object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        record(AuditAction.UPDATE if change else AuditAction.CREATE, request=request, obj=obj)

    def delete_model(self, request, obj) -> None:
        record(AuditAction.DELETE, request=request, obj=obj)
        super().delete_model(request, obj)
