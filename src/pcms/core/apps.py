from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pcms.core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from pcms.core.navigation import HomePanel, MenuItem, register_menu, register_panels

        register_menu(MenuItem(_("Home"), "core:home", "house", order=0))
        register_panels(
            HomePanel("core/panels/account.html", order=0),
            HomePanel("core/panels/administration.html", roles=("administrator",), order=90),
        )
