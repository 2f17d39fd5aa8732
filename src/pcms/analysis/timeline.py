"""Timelines: what happened to an entity, or in a case, in the order of the facts.

`entity_timeline` lists the reports that mention an entity and the relations recorded about it;
`reports_timeline` lists any set of reports (a case's, for instance) by the date of their facts.
Both keep only what the user may read.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from pcms.records.choices import MentionRole, ThreatCategory
from pcms.records.models import Entity, Link, Mention, Report
from pcms.records.templatetags.records import schema_label
from pcms.records.visibility import readable


@dataclass(frozen=True)
class Event:
    day: date | None
    kind: str  # "report" or "relation"
    title: str
    detail: str
    url: str
    reference: str = ""
    category: str = ""


def _day(report_date: date | None, created) -> date | None:
    return report_date or (created.date() if created else None)


def _sorted(events: list[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.day is None, e.day or date.min, e.reference))


def reports_timeline(reports: QuerySet, user) -> list[Event]:
    """The readable reports of `reports`, by date of the facts (undated ones last)."""
    rows = readable(reports, user).values("id", "reference", "title", "facts_date", "created_at",
                                          "category", "place")
    return _sorted([
        Event(_day(row["facts_date"], row["created_at"]), "report", row["title"],
              ", ".join(filter(None, [str(ThreatCategory(row["category"]).label)
                                      if row["category"] in ThreatCategory.values else "",
                                      row["place"]])),
              reverse("records:report_detail", args=[row["id"]]), row["reference"], row["category"])
        for row in rows
    ])


def entity_timeline(entity: Entity, user) -> list[Event]:
    """Reports mentioning `entity` and relations recorded about it, by date of the facts."""
    reports = readable(Report.objects.all(), user)
    entities = readable(Entity.objects.all(), user)
    events = []
    mentions = (Mention.objects.filter(entity=entity, report__in=reports)
                .select_related("report").order_by("report__facts_date"))
    for mention in mentions:
        report = mention.report
        role = str(MentionRole(mention.role).label) if mention.role in MentionRole.values else mention.role
        events.append(Event(_day(report.facts_date, report.created_at), "report", report.title,
                            _("Mentioned as %(role)s") % {"role": role},
                            reverse("records:report_detail", args=[report.pk]), report.reference,
                            report.category))
    links = (Link.objects.filter(source=entity, target__in=entities, via__in=entities)
             | Link.objects.filter(target=entity, source__in=entities, via__in=entities))
    for link in links.select_related("source", "target", "via", "via__origin").distinct():
        other = link.target if link.source_id == entity.pk else link.source
        origin = link.via.origin
        if origin is not None and not reports.filter(pk=origin.pk).exists():
            origin = None
        label = schema_label(link.label)
        events.append(Event(
            _day(origin.facts_date, origin.created_at) if origin else link.via.created_at.date(),
            "relation", f"{label}: {other.caption}",
            _("Recorded in %(reference)s") % {"reference": origin.reference} if origin else "",
            reverse("records:entity_detail", args=[other.pk]), origin.reference if origin else ""))
    return _sorted(events)
