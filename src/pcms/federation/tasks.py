"""Background work of the federation on the huey task queue.

Every minute, stored batches still pending are applied and every reachable peer whose back-off
has expired is synchronised; a batch stored asks for its application right after, and a change
written or relayed asks for a push right after its transaction commits; every hour, owned
records whose publication was missed (a crash between a commit and its outbox entry) are
published. The consumer also applies pending batches when it starts, so that nothing a node
acknowledged before it stopped waits for the next minute.
"""

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from pcms.federation import inbox, outbox, sync


@db_task()
def sync_now(code: str | None = None) -> None:
    with lock_task(f"federation-sync-{code or 'all'}"):
        sync.sync_all(code)


@db_task()
def apply_received() -> None:
    inbox.apply_pending()


@db_periodic_task(crontab(minute="*"))
def sync_due() -> None:
    inbox.apply_pending()
    with lock_task("federation-sync-all"):
        sync.sync_all(due_only=True)


@db_periodic_task(crontab(minute="17"))
def reconcile() -> None:
    outbox.reconcile()


@HUEY.on_startup()
def apply_at_start() -> None:
    apply_received()


def push_soon(code: str | None = None) -> None:
    """Queue a synchronisation; with an inline queue (tests) synchronisation runs only on demand."""
    if not HUEY.immediate:
        sync_now(code)


def apply_soon() -> None:
    """Apply stored batches: at once with an inline queue (tests), else in the background."""
    if HUEY.immediate:
        inbox.apply_pending()
    else:
        transaction.on_commit(apply_received)
