"""`pcms sync [--peer CODE] [--every SECONDS]`: synchronise with peers now, once or in a loop.

Batches this node has stored but not yet applied are applied first, and in a loop also while it
waits for the next round (every half second at most), so that what arrives is applied and relayed
on at once rather than at the worker's next minute (the demo runs it every 3 seconds).
"""

import logging
import time

from django.core.management.base import BaseCommand, CommandError

from pcms.federation import inbox, outbox, sync
from pcms.federation.keys import IdentityError

log = logging.getLogger(__name__)
POLL = 0.5


def apply_stored() -> int:
    """Apply what is stored; an error is logged and the batch stays pending for the next try."""
    try:
        return inbox.apply_pending()
    except Exception:
        log.exception("federation: applying stored batches failed; they stay pending")
        return 0


class Command(BaseCommand):
    help = "Push pending changes to reachable peers and pull theirs."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--peer", default="", help="only this peer")
        parser.add_argument("--every", type=float, default=0,
                            help="keep synchronising, every this many seconds (peers in back-off "
                                 "wait their turn)")

    def handle(self, *args, peer: str, every: float, **options) -> None:
        try:
            published = outbox.reconcile()
        except IdentityError as error:
            raise CommandError(str(error)) from None
        if published:
            self.stdout.write(f"{published} changes published that were missing from the outbox")
        while True:
            apply_stored()
            reports = sync.sync_all(peer.upper() or None, due_only=bool(every))
            for report in reports:
                if report.busy and not every:
                    self.stdout.write(f"{report.peer}: already being synchronised by another "
                                      "process of this node")
                elif report.pushed or report.pulled or report.errors or not every:
                    state = "; ".join(report.errors) or "ok"
                    self.stdout.write(f"{report.peer}: pushed {report.pushed}, pulled "
                                      f"{report.pulled}: {state}")
            if not every:
                apply_stored()
                if peer and not reports:
                    raise CommandError(f"{peer.upper()} is not a peer this node reaches itself")
                return
            self.stdout.flush()
            deadline = time.monotonic() + every
            while (left := deadline - time.monotonic()) > 0:
                time.sleep(min(POLL, left))
                if apply_stored():
                    break  # relay what just arrived without waiting for the round
