from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
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
        post_migrate.connect(_keep_counting, sender=self)


def _keep_counting(using: str, **kwargs) -> None:
    from pcms.analysis import counts

    counts.ensure_triggers(connections[using])
