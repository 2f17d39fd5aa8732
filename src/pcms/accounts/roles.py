"""Roles and the permissions they grant.

A role is a Django group of the same name. Each app declares what its roles may do in a
`ROLE_PERMISSIONS` mapping in its own `permissions.py`; the groups are synchronised with those
declarations after every migration, so adding a capability adds no code here.
"""

from collections.abc import Callable
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ValidationError
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


# A check takes (user, role, platform) and returns why the role may not be granted, or None.
GrantCheck = Callable[[object, str, object], str | None]
_GRANT_CHECKS: list[GrantCheck] = []


def register_grant_check(check: GrantCheck) -> None:
    """Let an app veto a role (e.g. training requires a course before the officer role)."""
    if check not in _GRANT_CHECKS:
        _GRANT_CHECKS.append(check)


def grant_errors(user, roles, platform=None) -> list[str]:
    """Why `user` may not receive `roles` on `platform` (their own platform by default)."""
    platform = platform if platform is not None else user.platform
    return [error for role in roles for check in _GRANT_CHECKS
            if (error := check(user, str(role), platform))]


def enforce_grant_checks(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """Refuse a role given through any path (form, service, shell) when a check vetoes it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    if action != "pre_add" or not pk_set or not _GRANT_CHECKS:
        return
    if reverse:
        users, groups = get_user_model().objects.filter(pk__in=pk_set), [instance]
    else:
        users, groups = [instance], list(Group.objects.filter(pk__in=pk_set))
    roles = [group.name for group in groups if group.name in Role.values]
    errors = [error for user in users for error in grant_errors(user, roles)]
    if errors:
        raise ValidationError(errors)
