"""Roles and the permissions they grant.

A role is a Django group of the same name. Each app declares what its roles may do in a
`ROLE_PERMISSIONS` mapping in its own `permissions.py`; the groups are synchronised with those
declarations after every migration, so adding a capability adds no code here.
"""

from importlib import import_module

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")
    DPO = "dpo", _("Data protection officer")
    COORDINATOR = "coordinator", _("Programme coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


def declared_permissions() -> dict[str, set[str]]:
    """Every app's ROLE_PERMISSIONS, merged: role -> {"app_label.codename", ...}."""
    merged: dict[str, set[str]] = {role.value: set() for role in Role}
    for config in apps.get_app_configs():
        if not config.name.startswith("pcms."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.permissions":
                raise
            continue
        for role, names in module.ROLE_PERMISSIONS.items():
            merged[str(role)].update(names)
    return merged


def sync_role_groups(sender=None, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    for role, names in declared_permissions().items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for name in sorted(names):
            app_label, codename = name.split(".", 1)
            wanted.extend(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
