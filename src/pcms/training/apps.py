from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "pcms.training"
    verbose_name = _("Capacity building")

    def ready(self) -> None:
        from pcms.core.navigation import HomePanel, MenuItem, register_menu, register_panels
        from pcms.training import enforcement
        from pcms.training.permissions import MANAGERS

        register_menu(
            MenuItem(_("Training"), "training:dashboard", "mortarboard", roles=MANAGERS, order=60),
            MenuItem(_("My training"), "training:mine", "award", order=90),
        )
        register_panels(
            HomePanel("training/panels/programme.html", roles=MANAGERS, order=40),
            HomePanel("training/panels/mine.html", order=80),
        )
        enforcement.connect()
