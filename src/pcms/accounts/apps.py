from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pcms.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from pcms.accounts.roles import sync_role_groups

        # After every app's permissions exist: connect without a sender, run once per migrate.
        post_migrate.connect(sync_role_groups, dispatch_uid="pcms.accounts.sync_role_groups")
