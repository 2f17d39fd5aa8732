"""Notifications shown inside the application (no e-mail leaves the node)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationLevel(models.TextChoices):
    INFO = "info", _("Information")
    ACTION = "action", _("Action needed")
    ALERT = "alert", _("Alert")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("recipient"))
    level = models.CharField(_("level"), max_length=10, choices=NotificationLevel.choices,
                             default=NotificationLevel.INFO)
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title


def notify(recipient, title: str, url: str = "", level: str = NotificationLevel.INFO) -> Notification:
    """Leave a notification for a user; `title` is stored as given (translate before calling)."""
    return Notification.objects.create(recipient=recipient, title=title[:200], url=url, level=level)


class ReadMeter(models.Model):
    """How many records one user's lists and API listings disclosed in one hour (see metering)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "hour"], name="read_meter_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.hour:%Y-%m-%d %H}h {self.count}"
