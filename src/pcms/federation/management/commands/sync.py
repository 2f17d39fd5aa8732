"""`pcms sync [--peer CODE] [--every SECONDS]`: synchronise with peers now, once or in a loop."""

import time

from django.core.management.base import BaseCommand, CommandError

from pcms.federation import outbox, sync
from pcms.federation.keys import IdentityError


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
            reports = sync.sync_all(peer.upper() or None, due_only=bool(every))
            for report in reports:
                if report.pushed or report.pulled or report.errors or not every:
                    state = "; ".join(report.errors) or "ok"
                    self.stdout.write(f"{report.peer}: pushed {report.pushed}, pulled "
                                      f"{report.pulled}: {state}")
            if not every:
                if peer and not reports:
                    raise CommandError(f"{peer.upper()} is not a peer this node reaches itself")
                return
            self.stdout.flush()
            time.sleep(every)
