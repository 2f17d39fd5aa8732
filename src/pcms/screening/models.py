"""Screenings, hits between records, and duplicate proposals with the decisions taken on them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcms.screening.choices import HitStatus, ProposalStatus


class Screening(models.Model):
    """One check of a person, vehicle or document: who checked what, when, why, and the outcome."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("checked by"))
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    purpose = models.ForeignKey("reference.Purpose", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("purpose"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    query = models.JSONField(_("checked"))
    candidates = models.PositiveIntegerField(_("candidates"), default=0)
    best_score = models.FloatField(_("best score"), null=True, blank=True)
    hit = models.BooleanField(_("hit"), default=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"


class Hit(models.Model):
    """A validated record that matches another record held on this node."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entity = models.ForeignKey("records.Entity", on_delete=models.CASCADE, related_name="hits",
                               verbose_name=_("new record"))
    candidate = models.ForeignKey("records.Entity", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("matching record"))
    score = models.FloatField(_("score"))
    explanation = models.JSONField(_("explanation"))
    status = models.CharField(_("status"), max_length=10, choices=HitStatus.choices,
                              default=HitStatus.NEW)
    created_at = models.DateTimeField(_("found"), auto_now_add=True, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["entity", "candidate"], name="hit_unique")]
        verbose_name = _("hit")
        verbose_name_plural = _("hits")

    def __str__(self) -> str:
        return f"{self.entity_id} ~ {self.candidate_id} ({self.score:.2f})"


class DuplicateProposal(models.Model):
    """Two records of one platform that look like the same person or object."""

    first = models.ForeignKey("records.Entity", on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey("records.Entity", on_delete=models.CASCADE, related_name="+")
    platform = models.ForeignKey("reference.Platform", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    explanation = models.JSONField(_("explanation"))
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="proposal_unique")]
        verbose_name = _("duplicate proposal")
        verbose_name_plural = _("duplicate proposals")

    def __str__(self) -> str:
        return f"{self.first_id} = {self.second_id}?"


class PairDecision(models.Model):
    """A person's decision that two records are not duplicates; later runs respect it.

    Kept by entity id, not by foreign key, so that it outlives a merge or a deletion.
    """

    first_id = models.UUIDField()
    second_id = models.UUIDField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first_id", "second_id"],
                                               name="pair_decision_unique")]

    def __str__(self) -> str:
        return f"{self.first_id} != {self.second_id}"
