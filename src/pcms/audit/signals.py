"""Record logins, failed logins and logouts from Django's authentication signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from pcms.audit.choices import AuditAction
from pcms.audit.services import record


@receiver(user_logged_in, dispatch_uid="pcms.audit.login")
def _logged_in(sender, request, user, **kwargs) -> None:
    record(AuditAction.LOGIN, request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="pcms.audit.logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(AuditAction.LOGOUT, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="pcms.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    record(AuditAction.LOGIN_FAILED, request=request, detail={"username": username})
