from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pcms.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from pcms.accounts.models import User
        from pcms.accounts.roles import enforce_grant_checks, sync_role_groups

        # After every app's permissions exist: connect without a sender, run once per migrate.
        post_migrate.connect(sync_role_groups, dispatch_uid="pcms.accounts.sync_role_groups")
        m2m_changed.connect(enforce_grant_checks, sender=User.groups.through,
                            dispatch_uid="pcms.accounts.enforce_grant_checks")
