from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DataProtectionConfig(AppConfig):
    name = "pcms.dataprotection"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from pcms.core.navigation import HomePanel, MenuItem, register_menu, register_panels
        from pcms.dataprotection import retention
        from pcms.records.signals import report_validating

        post_migrate.connect(retention.load_rules, sender=self)
        report_validating.connect(retention.on_report_validating,
                                  dispatch_uid="dataprotection.review_dates")
        register_menu(
            MenuItem(_("Reviews"), "dataprotection:review_queue", "hourglass-split",
                     ("officer", "supervisor", "dpo"), order=30),
            MenuItem(_("Data protection"), "dataprotection:home", "shield-lock", ("dpo",), order=31),
        )
        register_panels(HomePanel("dataprotection/panels/reviews.html",
                                  ("supervisor", "dpo"), order=20))
