"""Exchange figures for the dashboard: open requests and their delays, hits, who sends to whom.

They come from `pcms.exchange` when that app is installed, through its own need-to-know
(`pcms.exchange.visibility`): a platform counts only the messages, requests and hits it sees.
Without the app the dashboard simply has no such panels. Sending a published bulletin as a
message goes through `pcms.exchange.actions.send_message` in the same way.
"""

from collections import Counter
from datetime import datetime, time, timedelta

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pcms.analysis.stats import Filters, Table
from pcms.records.choices import Dissemination


def available() -> bool:
    return apps.is_installed("pcms.exchange")


def _period(filters: Filters) -> tuple[datetime | None, datetime | None]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(filters.start, time.min, zone) if filters.start else None
    end = datetime.combine(filters.end, time.max, zone) if filters.end else None
    return start, end


def open_requests(user) -> Table:
    """Requests sent or received that still wait for an answer, oldest first, with their delay."""
    from pcms.exchange.models import OPEN_REQUEST_STATES
    from pcms.exchange.visibility import visible_requests

    today = timezone.localdate()
    rows = []
    for item in (visible_requests(user).filter(status__in=OPEN_REQUEST_STATES)
                 .select_related("requester", "recipient").order_by("due_date")[:100]):
        sent = item.sent_at.date() if item.sent_at else item.created_at.date()
        rows.append([item.reference, item.requester.code, item.recipient.code, sent.isoformat(),
                     item.due_date.isoformat(), (today - sent).days,
                     max((today - item.due_date).days, 0)])
    return Table("open_requests", _("Open requests for information"),
                 [_("Reference"), _("From"), _("To"), _("Sent"), _("Answer expected by"),
                  _("Days open"), _("Days overdue")], rows)


def answer_delays(user, filters: Filters) -> Table:
    """Per requested platform: requests answered in the period and the mean days to answer."""
    from pcms.exchange.visibility import visible_requests

    start, end = _period(filters)
    answered = visible_requests(user).filter(answered_at__isnull=False, sent_at__isnull=False)
    if start:
        answered = answered.filter(answered_at__gte=start)
    if end:
        answered = answered.filter(answered_at__lte=end)
    days: dict[str, list[float]] = {}
    for recipient, sent_at, answered_at in answered.values_list("recipient__code", "sent_at",
                                                                "answered_at"):
        days.setdefault(recipient, []).append((answered_at - sent_at).total_seconds() / 86400)
    rows = [[code, len(values), round(sum(values) / len(values), 1)]
            for code, values in sorted(days.items())]
    return Table("answer_delays", _("Answer delays by requested platform"),
                 [_("Platform"), _("Requests answered"), _("Mean days to answer")], rows)


def hits_this_week(user) -> int:
    from pcms.exchange.visibility import visible_hits

    return visible_hits(user).filter(found_at__gte=timezone.now() - timedelta(days=7)).count()


def volume(user, filters: Filters) -> Table:
    """Messages delivered in the period, by sending and receiving platform: only the deliveries
    the user's platform took part in, as sender or as recipient (who else received a message
    it received is not counted)."""
    from pcms.exchange.models import Delivery
    from pcms.exchange.visibility import visible_messages

    start, end = _period(filters)
    deliveries = Delivery.objects.filter(
        Q(message__sender=user.platform_id) | Q(platform=user.platform_id),
        message__in=visible_messages(user))
    if start:
        deliveries = deliveries.filter(message__sent_at__gte=start)
    if end:
        deliveries = deliveries.filter(message__sent_at__lte=end)
    counts = Counter(deliveries.values_list("message__sender__code", "platform__code"))
    rows = [[sender, recipient, count] for (sender, recipient), count in counts.most_common()]
    return Table("exchange_volume", _("Messages between platforms"),
                 [_("From"), _("To"), _("Messages")], rows)


def send_bulletin(user, bulletin, pdf: bytes, request=None):
    """Send a published bulletin's PDF as a message to the bulletin's audience."""
    from pcms.exchange.actions import send_message
    from pcms.exchange.choices import Audience

    audience = {Dissemination.ALL: Audience.ALL, Dissemination.REGIONAL: Audience.REGIONAL,
                Dissemination.NAMED: Audience.STATES}[bulletin.dissemination]
    recipients = [p.code for p in bulletin.recipients.all()]
    attachment = SimpleUploadedFile(f"bulletin-{bulletin.pk}.pdf", pdf, "application/pdf")
    return send_message(user, subject=bulletin.title[:200],
                        body=_("Bulletin “%(title)s”, %(start)s – %(end)s, attached.") % {
                            "title": bulletin.title, "start": bulletin.period_start.isoformat(),
                            "end": bulletin.period_end.isoformat()},
                        audience=audience, recipients=recipients, files=[attachment],
                        request=request)


def case_and_reports(user, case_id):
    """A case the user's platform works on and the reports filed in it, or None."""
    from pcms.exchange.visibility import visible_cases
    from pcms.records.models import Report

    case = visible_cases(user).filter(pk=case_id).first()
    if case is None:
        return None
    return case, Report.objects.filter(pk__in=case.links.filter(report__isnull=False)
                                       .values("report_id"))
