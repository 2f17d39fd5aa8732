from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "pcms.screening"
    verbose_name = _("Screening and cross-matching")

    def ready(self) -> None:
        from pcms.core.navigation import MenuItem, register_menu
        from pcms.records.signals import record_changed, report_validated
        from pcms.screening import tasks

        report_validated.connect(tasks.on_report_validated, dispatch_uid="screening.validated")
        record_changed.connect(tasks.on_record_changed, dispatch_uid="screening.changed")
        operational = ("officer", "supervisor", "analyst")
        register_menu(
            MenuItem(_("Screening"), "screening:screen", "search", operational, order=5),
            MenuItem(_("Hits"), "screening:hits", "bullseye", operational, order=12),
        )
