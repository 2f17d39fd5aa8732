"""Screening and automatic cross-matching, within need-to-know.

A searcher sees a candidate in full when they may read it; when they may not, but its owner lets
others learn that a hit exists, they see only that a record exists and which platform to contact;
otherwise they see nothing of it.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core.models import NotificationLevel, notify
from pcms.matching import InvalidEntity, MatchResult
from pcms.records.choices import Status
from pcms.records.models import Entity, Report
from pcms.records.visibility import current, is_current, readable
from pcms.screening import nodeindex
from pcms.screening.choices import Disclosure
from pcms.screening.models import DuplicateProposal, Hit, PairDecision, Screening

SEARCH_DEPTH = 25


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    result: MatchResult
    disclosure: Disclosure

    @property
    def owner_code(self) -> str:
        return self.entity.owner.code


def explanation_data(result: MatchResult) -> list[dict]:
    return [{"code": e.code, "verdict": str(e.verdict), "level": e.level,
             "weight": round(e.weight, 2), "detail": e.detail} for e in result.explanation]


def disclosed(user, found: list[tuple[str, MatchResult]], exclude=()) -> list[Candidate]:
    """The candidates `user` may learn about, and how much of each."""
    ids = [entity_id for entity_id, _result in found if entity_id not in exclude]
    entities = {str(e.pk): e for e in Entity.objects.filter(pk__in=ids).select_related("owner")}
    readable_ids = {str(pk) for pk in readable(Entity.objects.filter(pk__in=ids), user)
                    .values_list("pk", flat=True)}
    candidates = []
    for entity_id, result in found:
        entity = entities.get(entity_id)
        if entity is None or entity_id in exclude:
            continue
        if entity_id in readable_ids:
            candidates.append(Candidate(entity, result, Disclosure.FULL))
        elif (entity.hit_notice and entity.status == Status.VALIDATED and is_current(entity)
              and result.is_match):
            candidates.append(Candidate(entity, result, Disclosure.HIT_ONLY))
    return candidates


def screen(user, query: dict, purpose, reason: str = "", limit: int = 10,
           request=None) -> tuple[Screening, list[Candidate]]:
    """Check a person, vehicle or document against everything this node holds.

    Raises `InvalidEntity` for a query the matcher cannot read.
    """
    found = nodeindex.get_index().search(query, limit=SEARCH_DEPTH)
    candidates = disclosed(user, found)[:limit]
    best = max((c.result.score for c in candidates), default=None)
    screening = Screening.objects.create(
        user=user, purpose=purpose, reason=reason[:300], query=query, candidates=len(candidates),
        best_score=best, hit=any(c.result.is_match for c in candidates))
    record(AuditAction.SEARCH, request=request, actor=user, obj=screening,
           detail={"screening": True, "purpose": purpose.code, "schema": query.get("schema"),
                   "candidates": len(candidates), "hit": screening.hit})
    screening.alert_hits = _check_alerts(user, query, screening, request)
    if screening.alert_hits and not screening.hit:
        screening.hit = True
        screening.save(update_fields=["hit"])
    return screening, candidates


def _check_alerts(user, query: dict, screening: Screening, request) -> list:
    """Every screening is also checked against the active alerts the user's platform sees."""
    if not apps.is_installed("pcms.exchange"):
        return []
    from pcms.exchange.alerts import check_against_alerts

    return check_against_alerts(query, platform=user.platform, actor=user,
                                reference=str(screening.pk), request=request)


def match_report(report: Report) -> list[Hit]:
    """Match every entity of a validated report against the node: hits across platforms,
    duplicate proposals within the owner platform."""
    hits = []
    entities = Entity.objects.filter(mentions__report=report, schema__in=nodeindex.MATCHABLE)
    for entity in entities.distinct().select_related("owner"):
        nodeindex.put(entity)
        try:
            found = nodeindex.get_index().search(nodeindex.match_data(entity), limit=SEARCH_DEPTH,
                                                 matches_only=True)
        except InvalidEntity:
            continue
        others = {str(e.pk): e for e in Entity.objects.filter(
            pk__in=[i for i, _r in found if i != str(entity.pk)]).select_related("owner")}
        for candidate_id, result in found:
            candidate = others.get(candidate_id)
            if candidate is None or not is_current(candidate):
                continue
            if candidate.owner_id == entity.owner_id:
                _propose_duplicate(entity, candidate, result)
            elif candidate.status == Status.VALIDATED:
                hits.append(_record_hit(report, entity, candidate, result))
    return [hit for hit in hits if hit is not None]


def _record_hit(report, entity, candidate, result) -> Hit | None:
    hit, created = Hit.objects.get_or_create(
        entity=entity, candidate=candidate,
        defaults={"score": result.score, "explanation": explanation_data(result)})
    if not created:
        return None
    record(AuditAction.CREATE, obj=hit, detail={"score": round(result.score, 3)})
    title = _("Hit: %(entity)s matches a record of %(owner)s") % {
        "entity": entity.caption, "owner": candidate.owner.code}
    if report.created_by is not None:
        notify(report.created_by, title, url=f"/screening/hits/{hit.pk}/",
               level=NotificationLevel.ALERT)
    origin_author = candidate.origin.created_by if candidate.origin_id else None
    if origin_author is not None and origin_author != report.created_by:
        notify(origin_author, _("Hit: a record of %(owner)s matches %(entity)s") % {
            "owner": entity.owner.code, "entity": candidate.caption},
            url=f"/screening/hits/{hit.pk}/", level=NotificationLevel.ALERT)
    return hit


def _propose_duplicate(entity, candidate, result) -> None:
    first, second = sorted((entity, candidate), key=lambda e: str(e.pk))
    if PairDecision.objects.filter(first_id=first.pk, second_id=second.pk).exists():
        return
    DuplicateProposal.objects.get_or_create(
        first=first, second=second,
        defaults={"platform_id": entity.owner_id, "score": result.score,
                  "explanation": explanation_data(result)})


def hits_for(user):
    """Hits on records the user may read (the other side is disclosed per its handling)."""
    mine = readable(Entity.objects.all(), user)
    return Hit.objects.filter(Q(entity__in=mine) | Q(candidate__in=mine)).filter(
        current("entity__"), current("candidate__")).select_related(
        "entity__owner", "candidate__owner")


@transaction.atomic
def reject_proposal(user, proposal: DuplicateProposal, request=None) -> None:
    proposal.status = "rejected"
    proposal.decided_by = user
    proposal.save(update_fields=["status", "decided_by"])
    PairDecision.objects.get_or_create(first_id=proposal.first_id, second_id=proposal.second_id,
                                       defaults={"decided_by": user})
    record(AuditAction.UPDATE, request=request, actor=user, obj=proposal,
           detail={"decision": "not duplicates"})


@transaction.atomic
def merge_proposal(user, proposal: DuplicateProposal, request=None) -> Entity:
    from pcms.records.actions import merge_entities

    duplicate_id = proposal.second_id
    keep = merge_entities(user, proposal.first, proposal.second, request=request)
    transaction.on_commit(lambda: (nodeindex.drop(duplicate_id), nodeindex.put(keep)))
    return keep
