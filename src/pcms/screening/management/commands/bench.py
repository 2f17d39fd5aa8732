"""`pcms bench match --dataset febrl4|regional`: the matching benchmarks, from a source checkout.

The benchmarks live in the repository's `benchmarks/` package, not in the installed
application (they need the bench extra and data sets): run the command from the checkout.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run a benchmark of this source checkout and print its figures as a Markdown table."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        match = commands.add_parser("match", help="Entity matching: FEBRL4 linkage or the regional set.")
        match.add_argument("--dataset", choices=("febrl4", "regional"), default="febrl4")
        match.add_argument("--n", type=int, default=1_000_000, help="people in the regional set")

    def handle(self, *args, subcommand: str, dataset: str, n: int, **options) -> None:
        checkout = Path.cwd()
        if not (checkout / "benchmarks" / "__init__.py").is_file():
            raise CommandError(f"no benchmarks/ package in {checkout}: run this from a pcms source "
                               "checkout, with the bench extra installed (pip install -e '.[bench]')")
        if str(checkout) not in sys.path:
            sys.path.insert(0, str(checkout))
        if dataset == "febrl4":
            from benchmarks import febrl4

            self.stdout.write(febrl4.report(febrl4.run()))
        else:
            from benchmarks import regional

            self.stdout.write(regional.report(regional.run(n)))
