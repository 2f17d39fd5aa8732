"""Background work of analysis: every minute, the months changed since are counted again, so that
the dashboard counts report by report only what changed in the last minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from pcms.analysis import counts


@db_periodic_task(crontab(minute="*"))
def count_changed_months() -> None:
    with lock_task("analysis-counts"):
        counts.fold()
