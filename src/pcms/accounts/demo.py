"""Demo accounts: one per role on this node's platform, and an officer and a supervisor on every
other platform. A node of the six-node demo (`PCMS_DEMO_NETWORK`) gets its own platform's
accounts only: the other platforms' people are at their own nodes."""

from django.conf import settings
from django.contrib.auth.models import Group

from pcms.accounts.models import User
from pcms.accounts.roles import Role
from pcms.reference.models import Agency, Platform

DEMO_PASSWORD = "demo-pcms-2026"  # noqa: S105  (documented demo accounts, synthetic node)

# Synthetic officials; none is a real person.
ACCOUNTS = [
    ("officer", Role.OFFICER, "Aminata", "Sall", "police"),
    ("supervisor", Role.SUPERVISOR, "Ibrahim", "Kane", "police"),
    ("analyst", Role.ANALYST, "Mariam", "Touré", None),
    ("dpo", Role.DPO, "Oumar", "Ba", None),
    ("coordinator", Role.COORDINATOR, "Fatimata", "Diop", None),
    ("admin", Role.ADMINISTRATOR, "Sidi", "Camara", None),
]


def load(stdout) -> None:
    node = Platform.objects.get(code=settings.PCMS_NODE)
    for username, role, first, last, agency_kind in ACCOUNTS:
        agency = Agency.objects.filter(country=node.country, kind=agency_kind).first()
        _account(username, role, first, last, node, agency)
    if not settings.DEMO_NETWORK:
        for platform in Platform.objects.exclude(pk=node.pk).filter(is_active=True):
            agency = Agency.objects.filter(country=platform.country, kind="police").first()
            code = platform.code.lower()
            _account(f"officer.{code}", Role.OFFICER, "Agent", platform.code, platform, agency)
            _account(f"supervisor.{code}", Role.SUPERVISOR, "Chef", platform.code, platform,
                     agency)
    stdout.write(f"demo accounts ready (password {DEMO_PASSWORD!r})\n")


def _account(username, role, first, last, platform, agency) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "platform": platform, "agency": agency},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user
