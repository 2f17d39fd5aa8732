"""Choice lists of the federation: what a change does and what became of a received one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Op(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    RETRACT = "retract", _("Retract")


class Outcome(models.TextChoices):
    """What a node did with a change it received (one inbox entry per change id)."""

    APPLIED = "applied", _("Applied")
    SUPERSEDED = "superseded", _("Superseded by a later version")
    RELAYED = "relayed", _("Relayed to other nodes")
    WAITING = "waiting", _("Waiting for a record it depends on")
    REFUSED = "refused", _("Refused")


class Reason(models.TextChoices):
    """Why a received batch or change was refused."""

    UNSIGNED = "unsigned", _("Unsigned or wrongly signed")
    UNKNOWN_SENDER = "unknown_sender", _("Unknown sender")
    TAMPERED = "tampered", _("Altered in transit")
    MISADDRESSED = "misaddressed", _("Not addressed to this node")
    REPLAYED = "replayed", _("Already received")
    NOT_OWNER = "not_owner", _("Sender does not own the record")
    MALFORMED = "malformed", _("Unreadable")
    FAILED = "failed", _("Could not be applied")
