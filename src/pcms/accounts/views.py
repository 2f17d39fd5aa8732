"""Sign-in in two steps (password, then an authenticator code), account page and API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from pcms.accounts import twofactor
from pcms.accounts.forms import ApiTokenForm, LoginForm, TokenForm
from pcms.accounts.models import ApiToken
from pcms.audit.choices import AuditAction
from pcms.audit.services import record


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _second_step(request: HttpRequest, next_url: str) -> HttpResponse:
    """Where a user goes once the password is right: verify, enrol, or straight in."""
    query = f"?next={next_url}"
    if twofactor.has_device(request.user):
        return redirect(reverse("accounts:two_factor_verify") + query)
    if settings.PCMS_REQUIRE_2FA:
        return redirect(reverse("accounts:two_factor_setup") + query)
    return redirect(next_url)


@never_cache
@sensitive_post_parameters("password")
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user = authenticate(request, username=form.cleaned_data["username"],
                                password=form.cleaned_data["password"])
            if user is not None:
                login(request, user)
                return _second_step(request, next_url)
            form.add_error(None, _("Wrong user name or password."))
        status = 401
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if not twofactor.has_device(request.user):
        return redirect(reverse("accounts:two_factor_setup") + f"?next={next_url}")
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and twofactor.verify(request, form.cleaned_data["token"]):
            record(AuditAction.TWO_FACTOR, request=request)
            return redirect(next_url)
        record(AuditAction.TWO_FACTOR_FAILED, request=request)
        form.add_error(None, _("This code is not valid. Codes change every 30 seconds; check "
                               "your device's clock, or use a recovery code."))
        status = 401
    return render(request, "accounts/two_factor_verify.html",
                  {"form": form, "next": next_url}, status=status)


@never_cache
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if twofactor.has_device(request.user) and not request.user.is_verified():
        return redirect(reverse("accounts:two_factor_verify") + f"?next={next_url}")
    device = twofactor.pending_totp(request.user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        codes = form.is_valid() and twofactor.confirm(request, device, form.cleaned_data["token"])
        if codes:
            record(AuditAction.TWO_FACTOR_ENROLLED, request=request)
            return render(request, "accounts/recovery_codes.html",
                          {"codes": codes, "next": next_url})
        form.add_error(None, _("This code is not valid. Scan the code again and enter the six "
                               "digits your app shows now."))
        status = 400
    context = {"form": form, "next": next_url, "qr_svg": twofactor.qr_svg(device),
               "secret": twofactor.secret_text(device)}
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm()
    new_key = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            token, new_key = ApiToken.issue(request.user, name=form.cleaned_data["name"])
            record(AuditAction.TOKEN_CREATED, request=request, obj=token)
            form = ApiTokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "tokens": request.user.api_tokens.filter(revoked=False),
        "has_device": twofactor.has_device(request.user),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoked = True
    token.save(update_fields=["revoked"])
    record(AuditAction.TOKEN_REVOKED, request=request, obj=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:account")


def locked_out(request: HttpRequest, response=None, credentials=None, *args, **kwargs):
    """Shown by django-axes instead of the login page while an account is locked."""
    record(AuditAction.LOCKED_OUT, request=request,
           detail={"username": str((credentials or {}).get("username", ""))[:150]})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed sign-in attempts. This account is locked for %(minutes)d "
                "minutes from this address.") % {"minutes": minutes}
    return render(request, "core/error.html", {"status": 429, "message": message}, status=429)
