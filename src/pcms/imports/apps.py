from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "pcms.imports"
    label = "imports"
    verbose_name = _("Import and export of records")

    def ready(self) -> None:
        from pcms.core.navigation import MenuItem, register_menu

        register_menu(
            MenuItem(_("Import"), "imports:job_list", "upload", ("officer", "supervisor"), order=12),
            MenuItem(_("Export"), "imports:export", "download",
                     ("officer", "supervisor", "analyst", "dpo"), order=13),
        )
