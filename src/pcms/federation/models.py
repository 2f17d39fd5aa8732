"""Federation state: peers, the outbox of signed changes, what was received, and what was refused.

A node writes every change it shares to `OutboxChange` (its own, and those it relays for others)
and one `Delivery` per next hop. Changes travel in content-addressed `OutgoingBatch`es, pushed or
pulled. The receiver keeps one `InboxEntry` per change id, which makes application exactly once,
and one `Replica` per received record, which orders changes by version. The owner keeps one
`Shared` per record: the version it last sent and the nodes that hold it, so that a narrower
handling or a deletion reaches exactly those nodes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pcms.federation import crypto
from pcms.federation.choices import Op, Outcome, Reason


class Peer(models.Model):
    """Another node this node exchanges with, registered by an administrator with its key."""

    code = models.CharField(_("platform code"), max_length=8, unique=True)
    url = models.CharField(_("address"), max_length=200, blank=True,
                           help_text=_("Empty when this node cannot reach it: it comes to us, "
                                       "or it is reached through a relay."))
    via = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                            related_name="+", verbose_name=_("reached through"))
    signing_key = models.CharField(_("signing key"), max_length=64)
    box_key = models.CharField(_("encryption key"), max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    bytes_sent = models.PositiveBigIntegerField(_("bytes sent"), default=0)
    bytes_received = models.PositiveBigIntegerField(_("bytes received"), default=0)
    changes_sent = models.PositiveBigIntegerField(_("changes sent"), default=0)
    changes_received = models.PositiveBigIntegerField(_("changes received"), default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("peer")
        verbose_name_plural = _("peers")

    def __str__(self) -> str:
        return self.code

    @property
    def direct(self) -> bool:
        return self.via_id is None

    @property
    def public_keys(self) -> tuple[bytes, bytes]:
        """(Ed25519 signing key, X25519 encryption key) as raw bytes."""
        return crypto.unb64(self.signing_key), crypto.unb64(self.box_key)


class OutboxChange(models.Model):
    """A signed change as its origin wrote it; kept by the origin and by every relay."""

    change_id = models.UUIDField(unique=True)
    origin = models.CharField(max_length=8)
    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    op = models.CharField(max_length=8, choices=Op.choices)
    audience = models.JSONField(default=list)
    body = models.BinaryField()
    signature = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="federation_outbox_record")]

    def __str__(self) -> str:
        return f"{self.op} {self.record_type} {self.record_id} v{self.version}"


class OutgoingBatch(models.Model):
    """Pending deliveries for one peer, sealed for it; identical bytes until acknowledged."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="batches")
    sha256 = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.peer_id} {self.sha256[:12]}"


class Delivery(models.Model):
    """One change to one next hop, for the final recipients listed in `targets`."""

    change = models.ForeignKey(OutboxChange, on_delete=models.CASCADE, related_name="deliveries")
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="deliveries")
    targets = models.JSONField(default=list)
    batch = models.ForeignKey(OutgoingBatch, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="deliveries")
    acked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["change", "peer"], name="federation_delivery_unique")]
        indexes = [models.Index(fields=["peer", "acked_at", "change"], name="federation_delivery_pending")]

    def __str__(self) -> str:
        return f"{self.change_id} -> {self.peer_id}"


class Shared(models.Model):
    """At the owner: the last version of a record sent, and the nodes that now hold it."""

    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=0)
    audience = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record_type", "record_id"],
                                               name="federation_shared_unique")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} v{self.version}"


class Replica(models.Model):
    """At a receiver: the version of a received record it holds, or that it was retracted."""

    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    origin = models.CharField(max_length=8)
    version = models.PositiveIntegerField()
    retracted = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record_type", "record_id"],
                                               name="federation_replica_unique")]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} v{self.version}"


class InboxEntry(models.Model):
    """One received change id: the first copy counts, every later copy is a replay."""

    change_id = models.UUIDField(unique=True)
    origin = models.CharField(max_length=8)
    sender = models.CharField(max_length=8)
    record_type = models.CharField(max_length=60)
    record_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    op = models.CharField(max_length=8, choices=Op.choices)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    # Kept only while the change waits for a record it depends on, then cleared.
    body = models.BinaryField(null=True, blank=True)
    signature = models.BinaryField(null=True, blank=True)
    waiting_for = models.CharField(max_length=130, blank=True, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["outcome", "id"], name="federation_inbox_outcome")]

    def __str__(self) -> str:
        return f"{self.change_id} {self.outcome}"


class ReceivedBatch(models.Model):
    """A batch received completely, checked and stored on disk: asking for it again gets its
    acknowledgement. It is applied later, in the order batches arrived; until then
    `applied_at` is empty and the file under `federation/received/` holds it."""

    sender = models.CharField(max_length=8)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    outcomes = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sender", "sha256"],
                                               name="federation_received_unique")]
        indexes = [models.Index(fields=["applied_at", "id"], name="federation_received_pending")]

    def __str__(self) -> str:
        return f"{self.sender} {self.sha256[:12]}"


class Rejection(models.Model):
    """A refused batch, request or change: who sent it, why, never its content."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    sender = models.CharField(_("sender"), max_length=8, blank=True)
    change_id = models.UUIDField(_("change"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("refused change")
        verbose_name_plural = _("refused changes")

    def __str__(self) -> str:
        return f"{self.sender} {self.reason}"
