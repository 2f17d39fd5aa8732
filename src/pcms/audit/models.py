"""The audit trail: append-only entries chained by SHA-256.

Each entry stores the hash of the one before it and a hash of its own content. Changing or deleting
any entry breaks the chain at that point, which `pcms audit verify` reports. The head of the chain
lives in a one-row table locked while an entry is appended, so appending costs the same whether the
trail holds a thousand entries or ten million. Database triggers refuse UPDATE and DELETE on entries.

Entries say who did what to which object, never the object's content: a deleted record leaves
its trace here without its personal data.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcms.audit.choices import AuditAction

GENESIS = "0" * 64


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
        null=True, blank=True, related_name="+", verbose_name=_("user"),
    )
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    platform = models.CharField(_("platform"), max_length=8, blank=True)
    action = models.CharField(_("action"), max_length=24, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["at"], name="audit_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type}"

    def compute_hash(self) -> str:
        return entry_hash(
            prev_hash=self.prev_hash, at=self.at, actor_id=self.actor_id,
            actor_username=self.actor_username, platform=self.platform, action=self.action,
            object_type=self.object_type, object_id=self.object_id, ip_address=self.ip_address,
            path=self.path, detail=self.detail,
        )


HASHED_FIELDS = ("prev_hash", "at", "actor_id", "actor_username", "platform", "action",
                 "object_type", "object_id", "ip_address", "path", "detail")


def entry_hash(**fields) -> str:
    content = dict(fields)
    content["at"] = content["at"].astimezone(UTC).isoformat(timespec="microseconds")
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class AuditHead(models.Model):
    """The last link of the chain; one row, locked while an entry is appended."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"{self.last_id}:{self.last_hash[:12]}"
