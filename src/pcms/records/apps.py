from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "pcms.records"
    verbose_name = _("Operational records")

    def ready(self) -> None:
        from pcms.core.navigation import HomePanel, MenuItem, register_menu, register_panels

        operational = ("officer", "supervisor", "analyst", "dpo")
        register_menu(
            MenuItem(_("Reports"), "records:report_list", "journal-text", operational, order=10),
            MenuItem(_("Entities"), "records:entity_list", "people", operational, order=11),
        )
        register_panels(
            HomePanel("records/panels/work.html", ("officer", "supervisor"), order=10),
        )
