"""Per-user interface language, and two-factor verification before any page."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

EXEMPT_PREFIXES = ("/static/", "/healthz", "/api/", "/accounts/login/", "/accounts/logout/",
                   "/accounts/two-factor/", "/language/", "/verify/")


class UserLanguageMiddleware:
    """Show a signed-in user's pages in the language saved in their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """A session signed in with a password alone reaches nothing but the second step."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
            and (settings.PCMS_REQUIRE_2FA or _has_device(user))
        ):
            return redirect(reverse("accounts:two_factor_verify") + f"?next={request.path}")
        return self.get_response(request)


def _has_device(user) -> bool:
    from pcms.accounts.twofactor import has_device

    return has_device(user)
