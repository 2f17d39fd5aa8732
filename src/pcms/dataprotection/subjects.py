"""Subject access: everything this node holds about one named person, and nothing else.

The data protection officer names a person (a name in any script or spelling, and what else is
known: date of birth, nationality). Candidates come from the node's match index and from the
records' word search, and each is compared with the person by `pcms.matching`; only those the
matcher calls a match are the person, so a namesake born another year stays out. The officer can
narrow the selection further before producing the report.

For the person's records the report lists: each entity (its values as held), each report that
names it (reference, dates, category, purpose and legal basis, role, owner, handling, review
date), each relation in which it takes part (the kind of relation only: the other party is
someone else), each screening whose query matches the person (who, when, why), and each message,
request or alert that carried one of those records or describes the person. Free text (titles,
narratives, message bodies) is not copied: it may name other people; the officer opens each item
from its reference.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import F, Q
from django.utils import timezone

from pcms.matching import InvalidEntity, compare
from pcms.records.models import Entity, Link, Mention, Report
from pcms.records.search import search_entities
from pcms.records.visibility import readable
from pcms.screening import nodeindex
from pcms.screening.models import Screening

SEARCH_DEPTH = 50
MAX_SCREENINGS = 200_000


@dataclass(frozen=True)
class Person:
    """Who the report is about, as the request names them."""

    name: str
    birth_date: str = ""
    nationality: str = ""

    def query(self) -> dict:
        properties = {"name": [self.name]}
        if self.birth_date:
            properties["birthDate"] = [self.birth_date]
        if self.nationality:
            properties["nationality"] = [self.nationality.lower()]
        return {"schema": "Person", "properties": properties}


@dataclass(frozen=True)
class Found:
    entity: Entity
    score: float
    is_match: bool


def _compare(a: dict, b: dict):
    try:
        return compare(a, b)
    except InvalidEntity:
        return None


def find(user, person: Person) -> list[Found]:
    """Person records `user` may read that may be `person`, best first, each with its verdict."""
    query = person.query()
    ids: set[str] = set()
    try:
        ids |= {entity_id for entity_id, _result in
                nodeindex.get_index().search(query, limit=SEARCH_DEPTH)}
    except InvalidEntity:
        return []
    people = readable(Entity.objects.filter(schema="Person"), user)
    ids |= {str(pk) for pk in search_entities(people, person.name)
            .values_list("pk", flat=True)[:SEARCH_DEPTH]}
    found = []
    for entity in people.filter(pk__in=ids).select_related("owner"):
        result = _compare(query, nodeindex.match_data(entity))
        if result is not None:
            found.append(Found(entity, result.score, result.is_match))
    return sorted(found, key=lambda f: -f.score)


@dataclass
class SubjectReport:
    person: Person
    produced_at: object
    produced_by: str
    platform: str
    entities: list = field(default_factory=list)
    mentions: list = field(default_factory=list)
    relations: list = field(default_factory=list)
    screenings: list = field(default_factory=list)
    exchanges: list = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "person": {"name": self.person.name, "birth_date": self.person.birth_date,
                       "nationality": self.person.nationality},
            "produced_at": self.produced_at.isoformat(),
            "produced_by": self.produced_by,
            "platform": self.platform,
            "records": [{
                "id": str(e.pk), "schema": e.schema, "caption": e.caption,
                "properties": e.properties, "owner": e.owner.code, "status": e.status,
                "handling": e.handling_code,
                "review_due": e.review_due.isoformat() if e.review_due else None,
            } for e in self.entities],
            "reports": [{
                "id": str(m.report.pk), "reference": m.report.reference, "role": m.role,
                "category": m.report.category,
                "purpose": m.report.purpose.code if m.report.purpose_id else None,
                "legal_basis": m.report.purpose.legal_basis if m.report.purpose_id else "",
                "facts_date": m.report.facts_date.isoformat() if m.report.facts_date else None,
                "owner": m.report.owner.code, "status": m.report.status,
                "handling": m.report.handling_code,
                "review_due": m.report.review_due.isoformat() if m.report.review_due else None,
                "record": str(m.entity_id),
            } for m in self.mentions],
            "relations": [{"record": str(r["record"]), "relation": r["relation"],
                           "detail": r["detail"]} for r in self.relations],
            "screenings": [{
                "id": str(s.pk), "at": s.at.isoformat(), "by": s.user.get_username(),
                "platform": s.user.platform_code, "purpose": s.purpose.code, "reason": s.reason,
                "hit": s.hit} for s in self.screenings],
            "exchanges": self.exchanges,
        }


def _screenings(user, people: list[dict]) -> list[Screening]:
    """Screenings of persons made on this node by users of `user`'s platform that match."""
    if not people:
        return []
    found = []
    rows = (Screening.objects.filter(user__platform_id=user.platform_id)
            .select_related("user__platform", "purpose").order_by("-at")[:MAX_SCREENINGS])
    for screening in rows.iterator(chunk_size=2000):
        if screening.query.get("schema") != "Person":
            continue
        if any((r := _compare(screening.query, p)) is not None and r.is_match for p in people):
            found.append(screening)
    return found


def _exchanges(entity_ids: list, report_ids: list, people: list[dict]) -> list[dict]:
    """Messages, requests and alerts that carried the person's records or describe them."""
    if not apps.is_installed("pcms.exchange"):
        return []
    from pcms.exchange.models import Alert, SharedRecord

    items = []
    shared = (SharedRecord.objects.filter(Q(entity_id__in=entity_ids) | Q(report_id__in=report_ids))
              .select_related("message__sender", "request__purpose"))
    for item in shared:
        if item.message_id:
            items.append({"kind": "message", "id": str(item.message_id),
                          "subject_reference": item.reference,
                          "sent_at": item.message.sent_at.isoformat(),
                          "sender": item.message.sender.code})
        else:
            items.append({"kind": "request", "id": str(item.request_id),
                          "reference": item.request.reference,
                          "subject_reference": item.reference,
                          "purpose": item.request.purpose.code})
    alerts = Alert.objects.filter(Q(entity_id__in=entity_ids) | Q(subject__schema="Person"))
    for alert in alerts.select_related("issuer"):
        described = alert.entity_id in entity_ids or any(
            (r := _compare(alert.subject, p)) is not None and r.is_match for p in people)
        if described:
            items.append({"kind": "alert", "id": str(alert.pk), "reference": alert.reference,
                          "issuer": alert.issuer.code, "status": alert.status})
    return items


def build(user, person: Person, entity_ids: list[str]) -> SubjectReport:
    """The report about `person`, from the records the officer confirmed as theirs."""
    visible = readable(Entity.objects.all(), user)
    persons = list(visible.filter(schema="Person", pk__in=entity_ids).select_related("owner"))
    ids = [e.pk for e in persons]
    # Documents and objects that name the person directly (a passport's holder, a phone's owner).
    held = Link.objects.filter(target_id__in=ids, via_id=F("source_id")).values("source_id")
    documents = list(visible.filter(pk__in=held).exclude(pk__in=ids).select_related("owner"))
    entities = persons + documents
    reports = readable(Report.objects.all(), user)
    mentions = list(Mention.objects.filter(entity__in=entities, report__in=reports)
                    .select_related("report__owner", "report__purpose").order_by("report__created_at"))
    relations = []
    links = Link.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids)).exclude(
        via_id=F("source_id"))
    for link in links.select_related("via"):
        record_id = link.source_id if link.source_id in ids else link.target_id
        detail = [v for name in ("relationship", "role") for v in link.via.properties.get(name, [])]
        relations.append({"record": record_id, "relation": link.label, "detail": ", ".join(detail)})
    people = [nodeindex.match_data(e) for e in persons]
    report = SubjectReport(person, timezone.now(), user.get_username(), user.platform_code,
                           entities, mentions, relations)
    report.screenings = _screenings(user, people)
    report.exchanges = _exchanges([e.pk for e in entities], [m.report_id for m in mentions], people)
    return report
