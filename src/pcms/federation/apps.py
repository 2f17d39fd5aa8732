from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "pcms.federation"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from pcms.core.navigation import MenuItem, register_menu
        from pcms.federation import hooks, records

        records.connect()
        hooks.connect()
        register_menu(MenuItem(_("Federation"), "federation:peers", "diagram-3",
                               ("administrator",), order=95))
