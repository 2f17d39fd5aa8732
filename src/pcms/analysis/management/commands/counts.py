"""`pcms counts [--rebuild]`: count again the months changed since, or every month from scratch."""

import time

from django.core.management.base import BaseCommand

from pcms.analysis import counts


class Command(BaseCommand):
    help = "Count the dashboard's reports ahead: the months changed since, or all of them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rebuild", action="store_true",
                            help="Forget every count and count every month again (after a restore).")

    def handle(self, *args, rebuild: bool, **options) -> None:
        started = time.perf_counter()
        done = counts.rebuild() if rebuild else counts.fold()
        self.stdout.write(f"{done} months and categories counted in {time.perf_counter() - started:.1f} s")
