"""Choice lists of the exchange: audiences, workflow states, priorities and alert kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """To whom a message goes."""

    REGIONAL = "regional", _("The regional platform")
    STATES = "states", _("Named platforms")
    ALL = "all", _("Every platform")


class ShareMode(models.TextChoices):
    """How a record travels with a message or an answer."""

    FULL = "full", _("Record")
    NOTICE = "notice", _("Hit exists, contact the owner")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")


class ConsentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the owner")
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")


class AlertKind(models.TextChoices):
    WANTED_PERSON = "wanted_person", _("Wanted person")
    MISSING_PERSON = "missing_person", _("Missing person")
    VEHICLE = "vehicle", _("Stolen or wanted vehicle")
    DOCUMENT = "document", _("Lost or stolen document")
    FIREARM = "firearm", _("Firearm")
    THREAT = "threat", _("Imminent threat warning")


class AlertStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting validation")
    ACTIVE = "active", _("Broadcast")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class HitSource(models.TextChoices):
    REPORT = "report", _("Validated report")
    SCREENING = "screening", _("Screening")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# The followthemoney schemata an alert of each kind may describe.
ALERT_SCHEMATA = {
    AlertKind.WANTED_PERSON: ("Person",),
    AlertKind.MISSING_PERSON: ("Person",),
    AlertKind.VEHICLE: ("Vehicle",),
    AlertKind.DOCUMENT: ("Passport", "Identification"),
    AlertKind.FIREARM: ("Firearm",),
    AlertKind.THREAT: ("Person", "Organization", "Vehicle"),
}
