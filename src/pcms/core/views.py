"""Pages every node has: home, health, language, notifications and the error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pcms.core.navigation import panels_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": panels_for(request.user)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For monitoring: 200 when the database answers, 503 otherwise. Discloses no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any database failure makes the node unhealthy
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "node": settings.PCMS_NODE,
         "database": database},
        status=status,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language and remember it for the user."""
    language = request.POST.get("language", "")
    available = dict(settings.LANGUAGES)
    if language not in available:
        message = _("Unknown language %(language)s. Choose one of: %(choices)s.") % {
            "language": language[:20], "choices": ", ".join(available.values())
        }
        return render(request, "core/error.html", {"status": 400, "message": message}, status=400)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    translation.activate(language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
        secure=settings.LANGUAGE_COOKIE_SECURE, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=True,
    )
    return response


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = request.user.notifications.all()[:50]
    template = "includes/notification_list.html" if request.htmx else "core/notifications.html"
    return render(request, template, {"notifications": items})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    request.user.notifications.unread().update(read_at=timezone.now())
    return redirect("core:notifications")


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "core/error.html", {"status": status, "message": message}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, 403, _("The form has expired or was not sent from this site. "
                                  "Reload the page and try again."))


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 400, _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 403, _("You are not allowed to see this page."))


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error(request, 404, _("This page does not exist, or you may not see it."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, _("Something went wrong on this node. The error has been logged."))
