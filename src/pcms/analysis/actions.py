"""Every change to a bulletin: one function each, atomic, audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcms.analysis import bulletins, exchange
from pcms.analysis.choices import BulletinStatus
from pcms.analysis.models import Bulletin
from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.records.choices import Dissemination

FIELDS = ("kind", "title", "period_start", "period_end", "category", "country", "body", "sections",
          "classification", "dissemination", "onward_allowed", "judicial_use")


class BulletinError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@transaction.atomic
def create_bulletin(user, data: dict, recipients=(), request=None) -> Bulletin:
    _require(bulletins.may_write(user), _("Only analysts and supervisors write bulletins."))
    bulletin = Bulletin(owner_id=user.platform_id, created_by=user,
                        **{name: data[name] for name in FIELDS if name in data})
    bulletin.save()
    bulletin.recipients.set(recipients)
    record(AuditAction.CREATE, request=request, actor=user, obj=bulletin)
    return bulletin


@transaction.atomic
def update_bulletin(user, bulletin: Bulletin, data: dict, recipients=None, request=None) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    _require(bulletins.can_edit(user, bulletin), _("Only a draft of your platform can be changed."))
    changed = [name for name in FIELDS if name in data and getattr(bulletin, name) != data[name]]
    for name in changed:
        setattr(bulletin, name, data[name])
    bulletin.save()
    if recipients is not None:
        bulletin.recipients.set(recipients)
    record(AuditAction.UPDATE, request=request, actor=user, obj=bulletin, detail={"fields": changed})
    return bulletin


@transaction.atomic
def publish(user, bulletin: Bulletin, request=None) -> Bulletin:
    """Freeze a draft: a published bulletin is no longer edited, and may be sent."""
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    _require(bulletins.can_edit(user, bulletin), _("Only a draft of your platform can be published."))
    bulletin.status, bulletin.published_by, bulletin.published_at = (
        BulletinStatus.PUBLISHED, user, timezone.now())
    bulletin.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    record(AuditAction.UPDATE, request=request, actor=user, obj=bulletin,
           detail={"status": BulletinStatus.PUBLISHED})
    return bulletin


@transaction.atomic
def send(user, bulletin: Bulletin, language: str, request=None):
    """Send a published bulletin's PDF to its audience as a message of the exchange."""
    _require(bulletins.may_write(user) and bulletin.owner_id == user.platform_id,
             _("Only analysts and supervisors of its platform send a bulletin."))
    if bulletin.status != BulletinStatus.PUBLISHED:
        raise BulletinError(_("Publish the bulletin before sending it."))
    if bulletin.dissemination == Dissemination.OWN:
        raise BulletinError(_("This bulletin stays within its own platform; it cannot be sent."))
    if not exchange.available():
        raise BulletinError(_("Messages are not available on this node."))
    pdf = bulletins.bulletin_pdf(bulletin, language)
    message = exchange.send_bulletin(user, bulletin, pdf, request=request)
    record(AuditAction.EXPORT, request=request, actor=user, obj=bulletin,
           detail={"format": "pdf", "sent_as": str(message.pk)})
    return message
