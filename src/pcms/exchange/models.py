"""Operational exchange on one node: messages, requests for information, alerts and cases.

Every object has a UUID and names its sender and recipient platforms, so that the federation can
carry it between nodes unchanged (`pcms.exchange.federation`). Each recipient platform has a
`Delivery` row that says when it received, read and acknowledged a message or an alert, and who
did. Users stay at their node: a copy received from another node has no local author, only the
author's name as the owner sent it (`author_name`, read through `author_label`). Records travel as
`SharedRecord` rows: in full (the recipient platform is then granted the record through
`RecordGrant`, which the records' need-to-know consults) or as a notice that a hit exists, naming
only the owner platform and the reference. A record that may not be passed on travels only with
its owner's `ConsentRequest` granted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pcms.core.choices import Classification
from pcms.exchange.choices import (
    AlertKind,
    AlertStatus,
    Audience,
    CaseStatus,
    ConsentStatus,
    HitSource,
    Priority,
    RequestStatus,
    ShareMode,
)
from pcms.records.choices import Dissemination

OPEN_REQUEST_STATES = (RequestStatus.SENT, RequestStatus.ACCEPTED)


def user_label(user, name: str) -> str:
    """Who did something: the local user, or the name the owner node sent with its copy."""
    return user.get_username() if user is not None else name


class Message(models.Model):
    """Information sent by one platform to others; a reply names the message it answers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sender = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("sender platform"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("author"))
    author_name = models.CharField(_("author"), max_length=150, blank=True)
    audience = models.CharField(_("addressed to"), max_length=10, choices=Audience.choices)
    recipient_role = models.CharField(
        _("only for the role"), max_length=20, blank=True,
        help_text=_("Leave empty for every user of the recipient platforms."))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), max_length=20_000)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="replies", verbose_name=_("in reply to"))
    thread = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("thread"))
    request = models.ForeignKey("InformationRequest", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="messages",
                                verbose_name=_("request for information"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["sender", "-sent_at"], name="message_sender_sent")]

    def __str__(self) -> str:
        return self.subject

    @property
    def author_label(self) -> str:
        return user_label(self.author, self.author_name)

    @property
    def thread_root_id(self):
        return self.thread_id or self.pk

    @property
    def recipient_role_label(self) -> str:
        from pcms.accounts.roles import Role

        return str(Role(self.recipient_role).label) if self.recipient_role else ""


class Delivery(models.Model):
    """One recipient platform of a message or an alert, and what became of it there."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="deliveries")
    alert = models.ForeignKey("Alert", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="deliveries")
    platform = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("recipient platform"))
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("read by"))
    read_by_name = models.CharField(_("read by"), max_length=150, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+",
                                        verbose_name=_("acknowledged by"))
    acknowledged_by_name = models.CharField(_("acknowledged by"), max_length=150, blank=True)

    class Meta:
        ordering = ["platform__code"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=Q(message__isnull=False, alert__isnull=True)
                | Q(message__isnull=True, alert__isnull=False),
                name="delivery_of_one_item"),
            models.UniqueConstraint(fields=["message", "platform"], name="delivery_message_once"),
            models.UniqueConstraint(fields=["alert", "platform"], name="delivery_alert_once"),
        ]
        indexes = [models.Index(fields=["platform", "acknowledged_at"], name="delivery_pending")]

    def __str__(self) -> str:
        return f"{self.message_id or self.alert_id} → {self.platform_id}"

    @property
    def read_by_label(self) -> str:
        return user_label(self.read_by, self.read_by_name)

    @property
    def acknowledged_by_label(self) -> str:
        return user_label(self.acknowledged_by, self.acknowledged_by_name)


class InformationRequest(models.Model):
    """A platform asks another for checks or information, for a purpose, by a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    requester = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("requesting platform"))
    recipient = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("requested platform"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("author"))
    author_name = models.CharField(_("author"), max_length=150, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("what is asked"), max_length=20_000)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices,
                                default=Priority.NORMAL)
    due_date = models.DateField(_("answer expected by"))
    purpose = models.ForeignKey("reference.Purpose", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("purpose"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices,
                              default=RequestStatus.DRAFT, db_index=True)
    answer = models.TextField(_("answer"), blank=True, max_length=20_000)
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")
        indexes = [models.Index(fields=["recipient", "status"], name="request_recipient_status"),
                   models.Index(fields=["requester", "status"], name="request_requester_status")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.subject}"

    @property
    def author_label(self) -> str:
        return user_label(self.author, self.author_name)

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_REQUEST_STATES and self.due_date < timezone.localdate()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATES


def overdue() -> Q:
    """Requests still waiting for an answer after their due date."""
    return Q(status__in=OPEN_REQUEST_STATES, due_date__lt=timezone.localdate())


# Who takes each step: the requesting platform drafts, sends and closes; the requested one
# accepts, answers or declines. A step belongs to (and travels from) the platform that took it.
STEP_SIDES = {RequestStatus.DRAFT: "requester", RequestStatus.SENT: "requester",
              RequestStatus.CLOSED: "requester", RequestStatus.ACCEPTED: "recipient",
              RequestStatus.ANSWERED: "recipient", RequestStatus.DECLINED: "recipient"}
# A request's state follows the furthest step it holds, whatever order the steps arrived in.
STEP_ORDER = (RequestStatus.DRAFT, RequestStatus.SENT, RequestStatus.ACCEPTED,
              RequestStatus.DECLINED, RequestStatus.ANSWERED, RequestStatus.CLOSED)


class RequestStep(models.Model):
    """Who moved a request through its workflow, when, and why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=10, choices=RequestStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status}"

    @property
    def platform(self):
        """The platform that took the step, which owns it."""
        return getattr(self.request, STEP_SIDES[self.status])

    @property
    def actor_label(self) -> str:
        return user_label(self.actor, self.actor_name)


class SharedRecord(models.Model):
    """A report or entity sent with a message, a request or an answer.

    A notice keeps only the owner platform and the reference: the content never travels."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="records")
    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, null=True,
                                blank=True, related_name="records")
    in_answer = models.BooleanField(_("part of the answer"), default=False)
    report = models.ForeignKey("records.Report", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    entity = models.ForeignKey("records.Entity", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    mode = models.CharField(_("sent as"), max_length=10, choices=ShareMode.choices)
    owner = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner platform"))
    reference = models.CharField(_("reference"), max_length=80)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("shared record")
        verbose_name_plural = _("shared records")
        constraints = [
            models.CheckConstraint(
                condition=Q(message__isnull=False, request__isnull=True)
                | Q(message__isnull=True, request__isnull=False),
                name="shared_record_in_one_item"),
            # At a node that received the message, a notice (or a record of a third platform
            # that never reached it) names no local record: only its owner and reference.
            models.CheckConstraint(condition=Q(report__isnull=True) | Q(entity__isnull=True),
                                   name="shared_record_at_most_one_record"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.reference}"

    @property
    def record(self):
        return self.report or self.entity


class RecordGrant(models.Model):
    """A platform may read a record beyond its audience, because it was sent there within the
    rules: by its owner, as allowed by its handling code, or with its owner's consent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    platform = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey("records.Report", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    entity = models.ForeignKey("records.Entity", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    via_message = models.ForeignKey(Message, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    via_request = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "report"], name="grant_report_once"),
            models.UniqueConstraint(fields=["platform", "entity"], name="grant_entity_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id or self.entity_id} → {self.platform_id}"


class ConsentRequest(models.Model):
    """Asking a record's owner to let it go to named platforms it may not otherwise reach."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey("records.Report", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    entity = models.ForeignKey("records.Entity", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    owner = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner platform"))
    requester = models.ForeignKey("reference.Platform", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("requesting platform"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))
    recipients = models.ManyToManyField("reference.Platform", related_name="+",
                                        verbose_name=_("to be passed on to"))
    reason = models.CharField(_("why"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices,
                              default=ConsentStatus.PENDING, db_index=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consent request")
        verbose_name_plural = _("consent requests")

    def __str__(self) -> str:
        return f"{self.owner_id} {self.reference}"

    @property
    def record(self):
        return self.report or self.entity

    @property
    def reference(self) -> str:
        from pcms.exchange.sharing import record_reference

        return record_reference(self.record)


class Alert(models.Model):
    """A notice issued by a platform, validated by a supervisor, broadcast for a period."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices, db_index=True)
    issuer = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("issuing platform"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                               blank=True, related_name="+", verbose_name=_("author"))
    author_name = models.CharField(_("author"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("what to do"), max_length=5_000)
    entity = models.ForeignKey("records.Entity", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("record described"))
    subject = models.JSONField(_("described"), default=dict, blank=True,
                               help_text=_("The person, vehicle, document or firearm, as "
                                           "followthemoney properties."))
    dissemination = models.CharField(_("dissemination"), max_length=10,
                                     choices=Dissemination.choices, default=Dissemination.ALL)
    recipients = models.ManyToManyField("reference.Platform", blank=True, related_name="+",
                                        verbose_name=_("named recipient platforms"))
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Classification.choices, default=Classification.RESTRICTED)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=AlertStatus.choices,
                              default=AlertStatus.DRAFT, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("validated by"))
    validated_at = models.DateTimeField(_("broadcast"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["status", "valid_until"], name="alert_active")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def author_label(self) -> str:
        return user_label(self.author, self.author_name)

    @property
    def is_expired(self) -> bool:
        return self.valid_until <= timezone.now()

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.status == AlertStatus.ACTIVE and self.valid_from <= now < self.valid_until

    @property
    def subject_schema(self) -> str:
        return self.subject.get("schema", "")


def active_alerts() -> Q:
    now = timezone.now()
    return Q(status=AlertStatus.ACTIVE, valid_from__lte=now, valid_until__gt=now)


class AlertHit(models.Model):
    """A record or a screening that matched an active alert."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="hits")
    platform = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("where it matched"))
    source = models.CharField(_("found by"), max_length=10, choices=HitSource.choices)
    entity = models.ForeignKey("records.Entity", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("record"))
    report = models.ForeignKey("records.Report", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("report"))
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    score = models.FloatField(_("score"))
    explanation = models.JSONField(_("evidence"), default=list)
    issuer_informed = models.BooleanField(default=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["-found_at"]
        verbose_name = _("alert hit")
        verbose_name_plural = _("alert hits")
        constraints = [models.UniqueConstraint(fields=["alert", "entity"],
                                               condition=Q(entity__isnull=False),
                                               name="alert_hit_entity_once")]

    def __str__(self) -> str:
        return f"{self.alert_id} ← {self.reference}"


class Case(models.Model):
    """A dossier on one affair, shared with the platforms that work on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=20_000)
    owner = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner platform"))
    participants = models.ManyToManyField("reference.Platform", blank=True, related_name="+",
                                          verbose_name=_("participating platforms"))
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices,
                              default=CaseStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("opened by"))
    created_by_name = models.CharField(_("opened by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("opened"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"


class CaseLink(models.Model):
    """One report, entity, message, request or alert filed in a case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    report = models.ForeignKey("records.Report", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    entity = models.ForeignKey("records.Entity", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+")
    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, null=True,
                                blank=True, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    added_by_name = models.CharField(max_length=150, blank=True)
    # The platform that filed the item, which owns the link (its user may be at another node).
    platform = models.ForeignKey("reference.Platform", on_delete=models.PROTECT, null=True,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    ITEMS = ("report", "entity", "message", "request", "alert")

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(report__isnull=False, entity__isnull=True, message__isnull=True,
                      request__isnull=True, alert__isnull=True)
                    | Q(report__isnull=True, entity__isnull=False, message__isnull=True,
                        request__isnull=True, alert__isnull=True)
                    | Q(report__isnull=True, entity__isnull=True, message__isnull=False,
                        request__isnull=True, alert__isnull=True)
                    | Q(report__isnull=True, entity__isnull=True, message__isnull=True,
                        request__isnull=False, alert__isnull=True)
                    | Q(report__isnull=True, entity__isnull=True, message__isnull=True,
                        request__isnull=True, alert__isnull=False)),
                name="case_link_one_item"),
            *(models.UniqueConstraint(fields=["case", item], name=f"case_link_{item}_once")
              for item in ("report", "entity", "message", "request", "alert")),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"

    @property
    def kind(self) -> str:
        return next(name for name in self.ITEMS if getattr(self, f"{name}_id"))

    @property
    def item(self):
        return getattr(self, self.kind)


def message_file_path(instance: "MessageFile", filename: str) -> str:
    return f"exchange/{instance.message_id}/{instance.sha256}"


class MessageFile(models.Model):
    """A photo or scanned document sent with a message; served to its readers only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=message_file_path)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["filename"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.filename
