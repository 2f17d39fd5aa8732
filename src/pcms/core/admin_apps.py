"""The admin app, wired to the platform's own admin site (kept apart from models: loaded early)."""

from django.contrib.admin.apps import AdminConfig


class PcmsAdminAppConfig(AdminConfig):
    default_site = "pcms.core.admin.PcmsAdminSite"
