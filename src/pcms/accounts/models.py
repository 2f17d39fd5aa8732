"""Users of a platform and their API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from pcms.accounts.roles import Role
from pcms.core.choices import Classification


class User(AbstractUser):
    """An official of one platform, possibly of one agency, holding one or more roles."""

    platform = models.ForeignKey(
        "reference.Platform", on_delete=models.PROTECT, null=True, blank=True,
        related_name="users", verbose_name=_("platform"),
    )
    agency = models.ForeignKey(
        "reference.Agency", on_delete=models.PROTECT, null=True, blank=True,
        related_name="users", verbose_name=_("agency"),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Classification.choices, default=Classification.CONFIDENTIAL,
        help_text=_("The most sensitive classification this user may read."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def roles(self) -> frozenset[str]:
        names = set(self.groups.values_list("name", flat=True))
        return frozenset(role.value for role in Role if role.value in names)

    @property
    def role_labels(self) -> list[str]:
        return [str(role.label) for role in Role if role.value in self.roles]

    def has_role(self, *roles: str) -> bool:
        """True when the user holds any of the roles (a superuser holds every role)."""
        if not self.is_active:
            return False
        return self.is_superuser or any(role in self.roles for role in roles)

    @property
    def platform_code(self) -> str:
        return self.platform.code if self.platform_id else ""


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, key: str) -> "ApiToken | None":
        return self.select_related("user").filter(key_hash=_digest(key), revoked=False).first()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 digest is stored."""

    PREFIX = "pcms_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("beginning of the token"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"

    @classmethod
    def issue(cls, user: User, name: str = "", days: int | None = None) -> tuple["ApiToken", str]:
        """Create a token and return it with its secret key, which is shown only this once."""
        key = cls.PREFIX + secrets.token_urlsafe(32)
        days = days or settings.API_TOKEN_DAYS
        token = cls.objects.create(
            user=user, name=name, key_hash=_digest(key), hint=key[:12],
            expires_at=timezone.now() + timedelta(days=days),
        )
        return token, key

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
