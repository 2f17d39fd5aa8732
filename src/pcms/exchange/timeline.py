"""A case's timeline, assembled from the dates of what is filed in it.

Each item contributes its own events (a report's facts and validation, a message and its replies,
every step of a request, an alert's broadcast and hits), and only what the reader may see: records
through `pcms.records.visibility`, the rest through `pcms.exchange.visibility`.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pcms.exchange.models import Case
from pcms.exchange.visibility import (
    visible_alerts,
    visible_hits,
    visible_messages,
    visible_requests,
)
from pcms.records.models import Entity, Report
from pcms.records.visibility import readable


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    what: str
    title: str
    platform: str = ""
    url: str = ""
    code: str = ""  # stable, for API clients: case_opened, filed, request_sent...


def _day(value) -> datetime:
    return timezone.make_aware(datetime.combine(value, time.min))


def visible_links(case: Case, user) -> list:
    """The case's links whose item the user may see."""
    links = list(case.links.select_related("platform"))
    allowed = {
        "report": set(readable(Report.objects.filter(pk__in=[link.report_id for link in links]), user)
                      .values_list("pk", flat=True)),
        "entity": set(readable(Entity.objects.filter(pk__in=[link.entity_id for link in links]), user)
                      .values_list("pk", flat=True)),
        "message": set(visible_messages(user).filter(pk__in=[link.message_id for link in links])
                       .values_list("pk", flat=True)),
        "request": set(visible_requests(user).filter(pk__in=[link.request_id for link in links])
                       .values_list("pk", flat=True)),
        "alert": set(visible_alerts(user).filter(pk__in=[link.alert_id for link in links])
                     .values_list("pk", flat=True)),
    }
    return [link for link in links if getattr(link, f"{link.kind}_id") in allowed[link.kind]]


def timeline(case: Case, user, links=None) -> list[Event]:
    events = [Event(case.created_at, "case", _("Case opened"), case.title, case.owner.code,
                    code="case_opened")]
    for link in links if links is not None else visible_links(case, user):
        item, kind = link.item, link.kind
        url, title = _address(kind, item)
        events.append(Event(link.added_at, kind, _("Filed in the case"), title,
                            link.platform.code, url, code="filed"))
        events += _item_events(kind, item, user, url, title)
    return sorted(events, key=lambda event: event.at)


def _address(kind: str, item) -> tuple[str, str]:
    if kind == "report":
        return reverse("records:report_detail", args=[item.pk]), str(item)
    if kind == "entity":
        return reverse("records:entity_detail", args=[item.pk]), item.caption
    if kind == "message":
        return reverse("exchange:message_detail", args=[item.pk]), item.subject
    if kind == "request":
        return reverse("exchange:request_detail", args=[item.pk]), str(item)
    return reverse("exchange:alert_detail", args=[item.pk]), str(item)


def _item_events(kind: str, item, user, url: str, title: str) -> list[Event]:
    events = []
    if kind == "report":
        if item.facts_date:
            events.append(Event(_day(item.facts_date), kind, _("Date of the facts"), title,
                                item.owner.code, url, code="facts"))
        if item.validated_at:
            events.append(Event(item.validated_at, kind, _("Report validated"), title,
                                item.owner.code, url, code="report_validated"))
    elif kind == "message":
        thread = visible_messages(user).filter(thread=item.thread_root_id) | visible_messages(
            user).filter(pk=item.pk)
        for message in thread.select_related("sender").distinct():
            what = _("Reply sent") if message.parent_id else _("Message sent")
            events.append(Event(message.sent_at, kind, what, message.subject, message.sender.code,
                                reverse("exchange:message_detail", args=[message.pk]),
                                code="reply_sent" if message.parent_id else "message_sent"))
    elif kind == "request":
        labels = {"draft": _("Request drafted"), "sent": _("Request sent"),
                  "accepted": _("Request accepted"), "answered": _("Request answered"),
                  "declined": _("Request declined"), "closed": _("Request closed")}
        for step in item.steps.select_related("request__requester", "request__recipient"):
            events.append(Event(step.at, kind, labels[step.status], title,
                                step.platform.code, url, code=f"request_{step.status}"))
    elif kind == "alert":
        if item.validated_at:
            events.append(Event(item.validated_at, kind, _("Alert broadcast"), title,
                                item.issuer.code, url, code="alert_broadcast"))
        for hit in visible_hits(user).filter(alert=item).select_related("platform"):
            events.append(Event(hit.found_at, kind, _("Alert hit"), title, hit.platform.code,
                                reverse("exchange:hit_detail", args=[hit.pk]), code="alert_hit"))
    return events
