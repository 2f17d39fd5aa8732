"""Background synchronisation on the huey task queue.

Every minute, every reachable peer whose back-off has expired is synchronised; a change written
or relayed asks for a push right after its transaction commits; every hour, owned records whose
publication was missed (a crash between a commit and its outbox entry) are published.
"""

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from pcms.federation import outbox, sync


@db_task()
def sync_now(code: str | None = None) -> None:
    with lock_task(f"federation-sync-{code or 'all'}"):
        sync.sync_all(code)


@db_periodic_task(crontab(minute="*"))
def sync_due() -> None:
    with lock_task("federation-sync-all"):
        sync.sync_all(due_only=True)


@db_periodic_task(crontab(minute="17"))
def reconcile() -> None:
    outbox.reconcile()


def push_soon(code: str | None = None) -> None:
    """Queue a synchronisation; with an inline queue (tests) synchronisation runs only on demand."""
    if not HUEY.immediate:
        sync_now(code)
