"""Publish validated and changed records as soon as their transaction commits.

The records app sends `report_validated` and `record_changed` after commit; publishing then runs
in its own transaction. A crash in between loses nothing: `outbox.reconcile()` (at the start of
`pcms sync` and every hour) publishes whatever is missing. A failure here is logged and never
reaches the user whose change has already been saved.
"""

import logging

from pcms.federation import outbox
from pcms.federation.records import entities_of
from pcms.federation.registry import publishing_pass
from pcms.records.models import Report
from pcms.records.signals import record_changed, report_validated

log = logging.getLogger(__name__)


def publish_report(report: Report) -> None:
    """The report, then the entities first reported or mentioned in it, in that order."""
    try:
        report = Report.objects.filter(pk=report.pk).first()
        if report is None:
            return
        with publishing_pass():
            outbox.publish(report)
            for entity in entities_of(report):
                outbox.publish(entity)
    except Exception:
        log.exception("federation: publishing report %s failed; reconcile will retry", report.pk)


def _validated(sender, report, **kwargs) -> None:
    publish_report(report)


def _changed(sender, instance, **kwargs) -> None:
    if isinstance(instance, Report):
        publish_report(instance)
        return
    try:
        outbox.publish(type(instance).objects.get(pk=instance.pk))
    except Exception:
        log.exception("federation: publishing %s failed; reconcile will retry", instance.pk)


def connect() -> None:
    report_validated.connect(_validated, dispatch_uid="pcms.federation.validated")
    record_changed.connect(_changed, dispatch_uid="pcms.federation.changed")
