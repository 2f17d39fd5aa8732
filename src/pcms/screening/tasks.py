"""Background matching: every validated report is matched against the node; every changed
record is re-indexed. Runs on the task queue, the index's single writer."""

from huey.contrib.djhuey import db_task

from pcms.records.models import Entity, Report
from pcms.screening import nodeindex, services


@db_task(retries=3, retry_delay=30)
def match_validated_report(report_id: str) -> int:
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return 0
    return len(services.match_report(report))


@db_task(retries=3, retry_delay=30)
def reindex_entity(entity_id: str) -> None:
    entity = Entity.objects.filter(pk=entity_id).first()
    if entity is None:
        nodeindex.drop(entity_id)
    else:
        nodeindex.put(entity)


def on_report_validated(sender, report, **kwargs) -> None:
    match_validated_report(str(report.pk))


def on_record_changed(sender, instance, **kwargs) -> None:
    if sender is Entity:
        reindex_entity(str(instance.pk))
