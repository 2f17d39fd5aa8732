from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "pcms.exchange"
    verbose_name = _("Exchange")

    def ready(self) -> None:
        from pcms.core.navigation import HomePanel, MenuItem, register_menu, register_panels
        from pcms.exchange import alerts, federation, inbox, sharing
        from pcms.records.signals import report_validated
        from pcms.records.visibility import OPERATIONAL_ROLES, register_grant

        register_grant(sharing.granted)
        federation.connect()
        report_validated.connect(alerts.on_report_validated, dispatch_uid="exchange.alerts")
        register_menu(
            MenuItem(_("Inbox"), "exchange:inbox", "inbox", OPERATIONAL_ROLES, order=20,
                     badge=inbox.count),
            MenuItem(_("Alerts"), "exchange:alert_list", "broadcast", OPERATIONAL_ROLES, order=21),
            MenuItem(_("Cases"), "exchange:case_list", "folder2-open", OPERATIONAL_ROLES, order=22),
        )
        register_panels(
            HomePanel("exchange/panels/inbox.html", OPERATIONAL_ROLES, order=5),
            HomePanel("exchange/panels/alerts.html", ("analyst", "supervisor"), order=15),
        )
