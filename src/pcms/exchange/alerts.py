"""Every validated record and every screening is checked against the active alerts.

`check_against_alerts(subject, platform=...)` compares a person, vehicle, document or firearm with
the active alerts that `platform` may see (those it issued and those broadcast to it), with
`pcms.matching.compare` (firearms, which the matcher does not model, by serial number). Each hit is
stored as an `AlertHit`, audited, and notified to the alert's author and, for a report, to the
report's author; a hit on another platform's alert travels to its issuer (`exchange.federation`),
and alerts received from other nodes are checked here like this platform's own. The issuer
learns of a hit on a record it may not read only when the record's owner lets others learn that
a hit exists.

The screening capability calls it for each screening; the records' `report_validated` signal
calls it for each entity of a validated report.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from pcms.audit.choices import AuditAction
from pcms.audit.services import record
from pcms.core.models import NotificationLevel, notify
from pcms.exchange.choices import HitSource
from pcms.exchange.models import Alert, AlertHit, Delivery, active_alerts
from pcms.exchange.sharing import record_reference
from pcms.federation import outbox
from pcms.matching import Evidence, InvalidEntity, MatchResult, Verdict, compare
from pcms.matching.identifiers import normalize_code
from pcms.records.models import Entity, Report
from pcms.records.visibility import in_audience

CHECKED_SCHEMATA = ("Person", "Vehicle", "Passport", "Identification", "Firearm")


def alerts_for(platform) -> QuerySet:
    """Active alerts with a subject that `platform` issued or received."""
    delivered = Exists(Delivery.objects.filter(alert=OuterRef("pk"), platform=platform.pk))
    return (Alert.objects.filter(active_alerts(), Q(issuer=platform.pk) | delivered)
            .exclude(subject={}).select_related("issuer", "author"))


def _serials(data: dict) -> set[str]:
    values = data.get("properties", {}).get("serialNumber", [])
    return {code for code in (normalize_code(v) for v in values) if code}


def _firearm(a: dict, b: dict) -> MatchResult:
    same = bool(_serials(a) & _serials(b))
    evidence = Evidence("identifier", "Serial number", Verdict.AGREE if same else Verdict.DISAGREE,
                        "exact" if same else "different", 10.0 if same else -10.0,
                        "same serial number" if same else "different serial numbers")
    return MatchResult(1.0 if same else 0.0, same, (evidence,), 0.5)


def compare_with(alert: Alert, data: dict) -> MatchResult | None:
    """How `data` compares with the alert's subject, or None when they cannot be compared."""
    subject = alert.subject
    if subject.get("schema") == "Firearm" or data.get("schema") == "Firearm":
        if subject.get("schema") != data.get("schema"):
            return None
        return _firearm(subject, data)
    try:
        return compare(subject, data)
    except InvalidEntity:
        return None


def _evidence(result: MatchResult) -> list[dict]:
    return [{"code": e.code, "label": e.label, "verdict": str(e.verdict), "level": e.level,
             "weight": round(e.weight, 2), "detail": e.detail} for e in result.explanation]


@transaction.atomic
def check_against_alerts(subject: Entity | dict, *, platform=None, actor=None,
                         report: Report | None = None, source: str = HitSource.SCREENING,
                         reference: str = "", request=None) -> list[AlertHit]:
    """Compare `subject` (an Entity, or a followthemoney dict from a screening) with the active
    alerts `platform` may see (the entity's owner by default); store and notify each hit.

    A record hits an alert once; a screening hits it each time it is run."""
    entity = subject if isinstance(subject, Entity) else None
    data = entity.to_ftm() if entity is not None else dict(subject)
    platform = platform or (entity.owner if entity is not None else None)
    if platform is None or data.get("schema") not in CHECKED_SCHEMATA:
        return []
    hits = []
    for alert in alerts_for(platform):
        if entity is not None and (alert.entity_id == entity.pk
                                   or alert.hits.filter(entity=entity).exists()):
            continue
        result = compare_with(alert, data)
        if result is None or not result.is_match:
            continue
        informed = (entity is None or alert.issuer_id == entity.owner_id or entity.hit_notice
                    or in_audience(entity, alert.issuer))
        hit = AlertHit.objects.create(
            alert=alert, platform=platform, source=source, entity=entity, report=report,
            reference=reference or (record_reference(entity) if entity is not None else ""),
            score=round(result.score, 4), explanation=_evidence(result), issuer_informed=informed,
            found_by=actor)
        record(AuditAction.CREATE, request=request, actor=actor, obj=hit, detail={
            "event": "alert_hit", "alert": str(alert.pk), "source": source,
            "entity": str(entity.pk) if entity is not None else "", "score": hit.score})
        notify_hit(hit, report)
        outbox.publish(hit)
        hits.append(hit)
    return hits


def notify_hit(hit: AlertHit, report: Report | None) -> None:
    """Tell the alert's author (when the issuer may learn of the hit) and the report's."""
    alert = hit.alert
    url = reverse("exchange:hit_detail", args=[hit.pk])
    title = _("Hit on alert %(reference)s (%(kind)s) at %(platform)s") % {
        "reference": alert.reference, "kind": alert.get_kind_display(),
        "platform": hit.platform.code}
    people = []
    if hit.issuer_informed and alert.author_id:
        people.append(alert.author)
    if report is not None and report.created_by_id:
        people.append(report.created_by)
    for user in {user.pk: user for user in people}.values():
        transaction.on_commit(lambda user=user: notify(user, title, url, NotificationLevel.ALERT))


def on_report_validated(sender, report: Report, actor=None, **kwargs) -> None:
    """Check every person, vehicle, document and firearm of a validated report."""
    entities = Entity.objects.filter(Q(mentions__report=report) | Q(origin=report),
                                     schema__in=CHECKED_SCHEMATA).distinct()
    for entity in entities.select_related("owner"):
        check_against_alerts(entity, platform=report.owner, actor=actor, report=report,
                             source=HitSource.REPORT)
