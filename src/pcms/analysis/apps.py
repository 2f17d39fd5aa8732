from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "pcms.analysis"
    verbose_name = _("Analysis and reporting")

    def ready(self) -> None:
        from pcms.core.navigation import HomePanel, MenuItem, register_menu, register_panels

        operational = ("officer", "supervisor", "analyst", "dpo")
        register_menu(
            MenuItem(_("Dashboard"), "analysis:dashboard", "bar-chart-line", operational, order=20),
            MenuItem(_("Map"), "analysis:map", "geo-alt", operational, order=21),
            MenuItem(_("Bulletins"), "analysis:bulletin_list", "newspaper", operational, order=22),
        )
        register_panels(HomePanel("analysis/panels/analysis.html", operational, order=20))
