from django.conf import settings
from django.http import HttpRequest

from pcms.core.navigation import entries_for


def platform(request: HttpRequest) -> dict:
    """What the layout shows on every page: this node, demo mode, the menu and unread notices."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "PCMS_NODE": settings.PCMS_NODE,
        "PCMS_DEMO": settings.DEMO,
        "PCMS_REQUIRE_2FA": settings.PCMS_REQUIRE_2FA,
        "menu": entries_for(user) if signed_in else [],
        "unread_notifications": user.notifications.unread().count() if signed_in else 0,
    }
